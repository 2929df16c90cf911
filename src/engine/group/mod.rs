//! Consumer groups. For now only the partition assignors ([`assignor`]): pure functions that the
//! group coordinator (classic protocol, issue #7) and the KIP-848 consumer protocol (issue #8)
//! will call. The coordinator itself, its states and `__consumer_offsets` land with #7.

pub mod assignor;
