//! Partition logs: segments, indexes and the files Kafka keeps beside them.
//!
//! | module | owns |
//! |---|---|
//! | [`index`] | `.index` and `.timeindex`: Kafka's sparse offset and time indexes |
//! | [`segment`] | one segment: its `.log` bytes in the [`FileStore`](crate::storage::FileStore), roll rules |
//! | [`partition_log`] | one partition's segments, log start/end offsets, high watermark, reads |
//! | [`load`] | rebuilding a partition's log from its files at startup |
//! | [`producer_state`] | idempotent producers' last batches: duplicates and sequence gaps |
//! | [`retention`] | which segments retention deletes, `.deleted` renames, the log start offset |
//! | [`cleaner`] | log compaction: the dirty ratio, the offset map, cleaning and the swap |
//! | [`epoch_cache`] | the leader epoch cache (`leader-epoch-checkpoint`, KIP-101) |
//! | [`truncate`] | cutting a log's tail (a follower's truncation, a crash's lost tail) |
//! | [`recovery`] | log recovery after an unclean stop: swaps, unflushed segments, the report |

pub mod checkpoint;
pub mod cleaner;
pub mod epoch_cache;
pub mod index;
pub mod load;
pub mod meta_properties;
pub mod partition_log;
pub mod producer_state;
pub mod recovery;
pub mod retention;
pub mod segment;
pub mod truncate;

pub use partition_log::{partition_dir, AppendInfo, FetchedBatches, PartitionLog};

/// The configs a partition log obeys: the topic's, resolved over the broker's defaults.
pub use crate::engine::config::TopicConfigs as LogConfig;
