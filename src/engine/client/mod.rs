//! Client models: the producer (partitioner, batching, idempotent sequences) and the consumer
//! (poll, positions, commits, group membership). They talk to the cluster only through its
//! request methods.

mod accumulator;
pub mod background;
pub mod background_consumer;
pub mod console_job;
pub mod consumer;
pub mod metadata;
pub mod metadata_cache;
pub mod producer;
pub mod producer_config;
pub mod producer_view;
