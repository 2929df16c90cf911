//! Simulated time.
//!
//! Time is a value passed into the engine, never read from the host: wall clocks differ between
//! runs and `Instant::now` panics on `wasm32-unknown-unknown`. Milliseconds since the Unix epoch,
//! as Kafka's timestamps are.

/// A point in simulated time: milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub i64);

impl SimTime {
    /// Where every cluster's clock starts unless told otherwise: 2025-01-01T00:00:00Z.
    pub const DEFAULT_START: SimTime = SimTime(1_735_689_600_000);

    /// Milliseconds since the epoch.
    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// This time plus `ms` milliseconds (saturating: the clock never wraps).
    pub fn plus_millis(self, ms: i64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }
}

/// The cluster's clock. It only moves forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimClock {
    now: SimTime,
}

impl SimClock {
    pub fn starting_at(start: SimTime) -> Self {
        SimClock { now: start }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Moves the clock to `to`; a time in the past leaves it where it is.
    pub fn advance_to(&mut self, to: SimTime) {
        if to > self.now {
            self.now = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_goes_backwards() {
        let mut clock = SimClock::starting_at(SimTime::DEFAULT_START);
        clock.advance_to(SimTime(0));
        assert_eq!(clock.now(), SimTime::DEFAULT_START);
        clock.advance_to(SimTime::DEFAULT_START.plus_millis(500));
        assert_eq!(clock.now().as_millis(), 1_735_689_600_500);
    }
}
