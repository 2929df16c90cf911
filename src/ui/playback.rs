//! Time in the page: play, pause, speed, step one event — the store's playback state and the
//! reducer's half of it. The hook (`ui::hooks::playback`) turns animation frames into
//! [`PlaybackAction::Frame`]s; here each frame owes `wall × speed` of simulated time and the
//! cluster runs what falls due by then, for at most a budget of wall time
//! ([`Cluster::advance_until`]). When the engine cannot keep up, simulated time falls behind —
//! the debt is dropped, never piled up — and [`Playback::achieved`] says how fast it really ran.

use super::store::Store;
use crate::engine::Cluster;

/// The speeds offered (simulated seconds per wall second).
pub const SPEEDS: [f64; 7] = [0.1, 0.5, 1.0, 2.0, 10.0, 100.0, 1000.0];

/// The most wall time one frame may ask for: a frame after a stall (a busy main thread, a tab
/// that was hidden) owes no more than this, so playback never tries to catch up a backlog.
pub const MAX_FRAME_WALL_MS: f64 = 100.0;

/// The engine work one frame may do while playing, in wall milliseconds: a 60 Hz frame is
/// 16.7 ms, and rendering needs the rest.
pub const FRAME_BUDGET_MS: f64 = 12.0;

/// How long the achieved speed is measured over before it is shown (wall ms).
const RATE_WINDOW_MS: f64 = 1_000.0;

/// What the time controls and the playback hook ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaybackAction {
    Play,
    Pause,
    /// Play when paused, pause when playing (the Space key).
    Toggle,
    /// One of [`SPEEDS`]; anything else is ignored.
    Speed(f64),
    /// An animation frame while playing: `wall_ms` since the last one, and how much wall time
    /// the engine may spend on it.
    Frame {
        wall_ms: f64,
        budget_ms: f64,
    },
    /// Pauses and runs exactly the next thing due (a message arriving, a background job).
    Step,
}

/// Where the last step took the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepReport {
    /// The next event ran at `to_ms` (the clock was at `from_ms`).
    Ran { from_ms: i64, to_ms: i64 },
    /// Nothing was scheduled.
    NothingDue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Playback {
    pub playing: bool,
    /// Simulated ms per wall ms: one of [`SPEEDS`].
    pub speed: f64,
    /// The simulated speed actually reached over the last full measuring window while playing.
    pub achieved: Option<f64>,
    pub last_step: Option<StepReport>,
    /// The fraction of a simulated millisecond owed from earlier frames (at 0.1× a 16 ms frame
    /// owes 1.6 ms; the clock counts whole milliseconds).
    carry_ms: f64,
    window_wall_ms: f64,
    window_sim_ms: i64,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            playing: false,
            speed: 1.0,
            achieved: None,
            last_step: None,
            carry_ms: 0.0,
            window_wall_ms: 0.0,
            window_sim_ms: 0,
        }
    }
}

impl Playback {
    /// True when the last measured speed fell short of the speed asked (by more than 10%).
    pub fn is_behind(&self) -> bool {
        self.achieved.is_some_and(|a| a < self.speed * 0.9)
    }

    fn set_playing(&mut self, playing: bool) {
        if playing != self.playing {
            self.playing = playing;
            self.carry_ms = 0.0;
            self.achieved = None;
            self.window_wall_ms = 0.0;
            self.window_sim_ms = 0;
        }
    }

    /// Adds one frame to the measuring window; a full window becomes [`Playback::achieved`].
    fn measure(&mut self, wall_ms: f64, sim_ms: i64) {
        self.window_wall_ms += wall_ms;
        self.window_sim_ms += sim_ms;
        if self.window_wall_ms >= RATE_WINDOW_MS {
            self.achieved = Some(self.window_sim_ms as f64 / self.window_wall_ms);
            self.window_wall_ms = 0.0;
            self.window_sim_ms = 0;
        }
    }
}

/// The wall clock of the page (`performance.now()`), for the frame budget only.
fn wall_now() -> Option<f64> {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
}

impl Store {
    /// Runs a playback action; true when the cluster changed.
    pub(super) fn playback(&mut self, action: PlaybackAction) -> bool {
        match action {
            PlaybackAction::Play => self.playback.set_playing(true),
            PlaybackAction::Pause => self.playback.set_playing(false),
            PlaybackAction::Toggle => self.playback.set_playing(!self.playback.playing),
            PlaybackAction::Speed(speed) => {
                if SPEEDS.contains(&speed) && speed != self.playback.speed {
                    self.playback.speed = speed;
                    self.playback.achieved = None;
                    self.playback.window_wall_ms = 0.0;
                    self.playback.window_sim_ms = 0;
                }
            }
            PlaybackAction::Frame { wall_ms, budget_ms } => return self.frame(wall_ms, budget_ms),
            PlaybackAction::Step => {
                self.playback.set_playing(false);
                let report = step_once(&mut self.cluster_mut());
                self.playback.last_step = Some(report);
                return report != StepReport::NothingDue;
            }
        }
        false
    }

    /// One animation frame's worth of simulated time, within the wall-time budget. A frame
    /// that arrives after a pause does nothing: pausing stops exactly.
    fn frame(&mut self, wall_ms: f64, budget_ms: f64) -> bool {
        if !self.playback.playing || !wall_ms.is_finite() || wall_ms <= 0.0 {
            return false;
        }
        let owed = wall_ms.min(MAX_FRAME_WALL_MS) * self.playback.speed + self.playback.carry_ms;
        let whole = owed.floor();
        self.playback.carry_ms = owed - whole;
        let mut cluster = self.cluster_mut();
        let from = cluster.now().as_millis();
        let reached = whole < 1.0 || advance_within(&mut cluster, from + whole as i64, budget_ms);
        let advanced = cluster.now().as_millis() - from;
        drop(cluster);
        if advanced > 0 {
            self.playback.last_step = None;
        }
        if !reached {
            // Behind: what this frame could not run is dropped, not owed to the next one.
            self.playback.carry_ms = 0.0;
        }
        self.playback.measure(wall_ms.min(RATE_WINDOW_MS), advanced);
        advanced > 0
    }
}

/// Advances toward `to_ms` for at most `budget_ms` of wall time; the first step always runs,
/// so playback moves even when one step costs more than the budget.
fn advance_within(cluster: &mut Cluster, to_ms: i64, budget_ms: f64) -> bool {
    let Some(start) = wall_now() else {
        return cluster.advance_until(to_ms, || true);
    };
    let deadline = start + budget_ms.max(0.0);
    let mut first = true;
    cluster.advance_until(to_ms, || {
        std::mem::take(&mut first) || wall_now().is_some_and(|now| now < deadline)
    })
}

/// Runs exactly the next thing due, at its own time.
fn step_once(cluster: &mut Cluster) -> StepReport {
    let from_ms = cluster.now().as_millis();
    match cluster.next_due() {
        Some(due) if cluster.step(due.max(from_ms)) => StepReport::Ran {
            from_ms,
            to_ms: cluster.now().as_millis(),
        },
        _ => StepReport::NothingDue,
    }
}
