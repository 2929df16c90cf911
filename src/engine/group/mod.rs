//! Consumer groups. The partition assignors ([`assignor`]): pure functions that the group
//! coordinator (classic protocol, issue #7) and the KIP-848 consumer protocol (issue #8) will
//! call; and the records of `__consumer_offsets` ([`records`]): the codec the coordinator
//! writes and reads, and `partition_for`, which picks a group's coordinator. The coordinator
//! itself and its states land with #7.

pub mod assignor;
pub mod records;
