//! The partitioner. (Being written.)
