//! The learner's fault and time buttons as store actions: each runs the engine call that the
//! command language's `broker stop|kill|start ID` and `time advance DURATION` run
//! (`cli::playground`), and says what happened in the same words.

use super::store::{Outcome, Store};
use crate::engine::log::recovery::Level;

/// What a broker button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerVerb {
    /// A controlled shutdown (`BrokerLifecycleManager`, KIP-631): leadership moves away first.
    Stop,
    /// The process dies; the controller notices when `broker.session.timeout.ms` runs out.
    Kill,
    /// The broker loads (after a crash, recovers) its logs, registers and is unfenced.
    Start,
}

impl BrokerVerb {
    /// The command language's word for it (`broker stop|kill|start`).
    pub fn name(self) -> &'static str {
        match self {
            BrokerVerb::Stop => "stop",
            BrokerVerb::Kill => "kill",
            BrokerVerb::Start => "start",
        }
    }
}

/// The command-language line a broker button runs and shows (`broker stop|kill|start ID`).
pub fn broker_line(verb: BrokerVerb, id: i32) -> String {
    format!("broker {} {id}", verb.name())
}

/// The longest single advance a button may ask for: a day of simulated time.
const MAX_ADVANCE_MS: i64 = 86_400_000;

impl Store {
    pub(super) fn broker_fault(&mut self, verb: BrokerVerb, id: i32) {
        let mut cluster = self.cluster_mut();
        let result = match verb {
            BrokerVerb::Stop => cluster.stop_broker(id).map(|()| {
                (
                    format!("Broker {id} stopped (controlled shutdown)."),
                    Vec::new(),
                )
            }),
            BrokerVerb::Kill => cluster
                .kill_broker(id)
                .map(|()| (format!("Broker {id} killed."), Vec::new())),
            BrokerVerb::Start => cluster.start_broker(id).map(|start| {
                // As `broker start` prints it: warnings, then the log loading — only what is
                // worth a look after a clean shutdown, every line after a crash.
                let mut notes = start.warnings.clone();
                for dir in &start.recovery {
                    let least = if dir.had_clean_shutdown {
                        Level::Warn
                    } else {
                        Level::Info
                    };
                    notes.extend(
                        dir.lines()
                            .iter()
                            .filter(|l| l.level >= least)
                            .map(|l| format!("{} {}", l.level.as_str(), l.message)),
                    );
                }
                (format!("Broker {id} started."), notes)
            }),
        };
        drop(cluster);
        self.cluster_outcome = Some(match result {
            Ok((message, notes)) => Outcome::Done { message, notes },
            Err(error) => Outcome::Refused {
                code: error.code.name(),
                message: error.message().to_string(),
            },
        });
    }

    /// `time advance`: everything due on the way runs at its own simulated time.
    pub(super) fn advance_time(&mut self, ms: i64) {
        self.cluster_mut().advance_time(ms.clamp(0, MAX_ADVANCE_MS));
    }
}
