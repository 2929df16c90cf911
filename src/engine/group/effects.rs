//! What handling a group request or timer leaves to be done: answers to send now, and records
//! to write to `__consumer_offsets` with the answers that wait for that write
//! (`CoordinatorResult` in Kafka's coordinator runtime: records plus a response that completes
//! once the records are committed).

use super::protocol::GroupResponse;
use super::records::CoordinatorRecord;

/// Records to append, and the answers (by request id) sent once they are replicated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub records: Vec<CoordinatorRecord>,
    pub then: Vec<(u64, GroupResponse)>,
}

/// The effects of one request or timer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// Answers ready now, by request id.
    pub responses: Vec<(u64, GroupResponse)>,
    pub writes: Vec<Write>,
}

impl Effects {
    pub fn respond(&mut self, request_id: u64, response: GroupResponse) {
        self.responses.push((request_id, response));
    }

    /// Appends `records`, then sends `then`.
    pub fn write(&mut self, records: Vec<CoordinatorRecord>, then: Vec<(u64, GroupResponse)>) {
        if records.is_empty() {
            self.responses.extend(then);
        } else {
            self.writes.push(Write { records, then });
        }
    }

    pub fn extend(&mut self, other: Effects) {
        self.responses.extend(other.responses);
        self.writes.extend(other.writes);
    }
}
