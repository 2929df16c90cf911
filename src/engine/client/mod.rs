//! Client models: the producer (partitioner, batching, idempotent sequences) and, with consumer
//! groups (issue #7), the consumer. They talk to the cluster only through its request methods.

pub mod background;
pub mod metadata;
pub mod producer;
