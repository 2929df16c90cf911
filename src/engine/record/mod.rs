//! Records and record batches in Kafka's v2 (magic 2) format. (Being written.)
