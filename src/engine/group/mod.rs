//! Consumer groups. The partition assignors ([`assignor`]): pure functions that the group
//! coordinator (classic protocol, issue #7) and the KIP-848 consumer protocol (issue #8) call;
//! the records of `__consumer_offsets` ([`records`]): the codec the coordinator writes and
//! reads, and `partition_for`, which picks a group's coordinator; what the admin tools see of
//! groups ([`describe`], [`admin`]).

pub mod admin;
pub mod assignor;
pub mod classic;
pub mod consumer_group;
pub mod coordinator;
pub mod describe;
pub mod effects;
pub mod migration;
pub mod overview;
pub mod protocol;
pub mod records;
pub mod runtime;
