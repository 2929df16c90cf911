//! [`RecordBatchBuilder`]: records in, a valid [`RecordBatch`] out (Kafka's `MemoryRecordsBuilder`).
//!
//! It keeps Kafka's rules: offsets strictly increase (`append` assigns consecutive ones from the
//! base offset), timestamps are non-negative or `NO_TIMESTAMP`, the base timestamp is the first
//! record's timestamp (or the delete horizon), the max timestamp is the largest record timestamp
//! (or the log append time), and producer fields are consistent. It also keeps the invariants
//! that make encoding infallible: offset deltas fit an `i32`, and the batch fits its `i32` length.

use super::batch::RecordBatch;
use super::error::BuildError;
use super::{Header, Record, TimestampType, LOG_OVERHEAD, NO_PARTITION_LEADER_EPOCH};
use super::{NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, NO_TIMESTAMP, RECORD_BATCH_OVERHEAD};

/// The largest batch the `i32` length field can describe.
const MAX_BATCH_SIZE: u64 = LOG_OVERHEAD as u64 + i32::MAX as u64;

/// Everything about a batch except its records. The default is what a non-idempotent producer
/// sends: `CreateTime`, no producer id, no leader epoch yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchOptions {
    pub partition_leader_epoch: i32,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub is_transactional: bool,
    pub is_control: bool,
    /// `Some(t)`: a `LogAppendTime` batch whose max timestamp is `t`; `None`: `CreateTime`.
    pub log_append_time_ms: Option<i64>,
    /// `Some(t)`: set attributes bit 6 and store `t` as the base timestamp (KIP-534).
    pub delete_horizon_ms: Option<i64>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            partition_leader_epoch: NO_PARTITION_LEADER_EPOCH,
            producer_id: NO_PRODUCER_ID,
            producer_epoch: NO_PRODUCER_EPOCH,
            base_sequence: NO_SEQUENCE,
            is_transactional: false,
            is_control: false,
            log_append_time_ms: None,
            delete_horizon_ms: None,
        }
    }
}

/// Builds one batch, record by record.
#[derive(Debug, Clone)]
pub struct RecordBatchBuilder {
    batch: RecordBatch,
    /// Offset of the last appended record (or the override), for the monotonic check.
    last_offset: Option<i64>,
    /// Size so far, in `u64` so the too-large check cannot overflow.
    size: u64,
    /// Largest record timestamp so far.
    max_timestamp: i64,
    log_append_time_ms: Option<i64>,
}

impl RecordBatchBuilder {
    /// A builder for a batch starting at `base_offset`; checks the producer fields as Kafka's
    /// `MemoryRecordsBuilder` constructor does.
    pub fn new(base_offset: i64, options: BatchOptions) -> Result<Self, BuildError> {
        if options.is_transactional && options.producer_id == NO_PRODUCER_ID {
            return Err(BuildError::TransactionalWithoutProducerId);
        }
        if options.producer_id != NO_PRODUCER_ID {
            if options.producer_epoch == NO_PRODUCER_EPOCH {
                return Err(BuildError::NegativeProducerEpoch);
            }
            if options.base_sequence < 0 && !options.is_control {
                return Err(BuildError::NegativeSequence);
            }
        }
        for timestamp in [options.log_append_time_ms, options.delete_horizon_ms]
            .into_iter()
            .flatten()
        {
            check_timestamp(timestamp)?;
        }
        Ok(Self::start(base_offset, options))
    }

    /// A plain batch (default options) starting at `base_offset`.
    pub fn with_base_offset(base_offset: i64) -> Self {
        Self::start(base_offset, BatchOptions::default())
    }

    fn start(base_offset: i64, options: BatchOptions) -> Self {
        let batch = RecordBatch {
            base_offset,
            partition_leader_epoch: options.partition_leader_epoch,
            timestamp_type: match options.log_append_time_ms {
                Some(_) => TimestampType::LogAppendTime,
                None => TimestampType::CreateTime,
            },
            is_transactional: options.is_transactional,
            is_control: options.is_control,
            has_delete_horizon_ms: options.delete_horizon_ms.is_some(),
            last_offset_delta: 0,
            base_timestamp: options.delete_horizon_ms.unwrap_or(NO_TIMESTAMP),
            max_timestamp: NO_TIMESTAMP,
            producer_id: options.producer_id,
            producer_epoch: options.producer_epoch,
            base_sequence: options.base_sequence,
            records: Vec::new(),
            size_in_bytes: RECORD_BATCH_OVERHEAD,
        };
        RecordBatchBuilder {
            batch,
            last_offset: None,
            size: u64::from(RECORD_BATCH_OVERHEAD),
            max_timestamp: NO_TIMESTAMP,
            log_append_time_ms: options.log_append_time_ms,
        }
    }

    /// The offset the next [`RecordBatchBuilder::append`] will use.
    pub fn next_offset(&self) -> Option<i64> {
        match self.last_offset {
            None => Some(self.batch.base_offset),
            Some(last) => last.checked_add(1),
        }
    }

    /// Appends a record at the next consecutive offset and returns that offset.
    pub fn append(
        &mut self,
        timestamp: i64,
        key: Option<Vec<u8>>,
        value: Option<Vec<u8>>,
        headers: Vec<Header>,
    ) -> Result<i64, BuildError> {
        let offset = self.next_offset().ok_or(BuildError::OffsetDeltaOverflow {
            offset: i64::MAX,
            base_offset: self.batch.base_offset,
        })?;
        self.append_record(Record {
            offset,
            timestamp,
            key,
            value,
            headers,
        })?;
        Ok(offset)
    }

    /// Appends `record` at its own offset, which must be past the previous one (compaction keeps
    /// gaps between offsets).
    pub fn append_record(&mut self, record: Record) -> Result<(), BuildError> {
        if let Some(previous) = self.last_offset {
            if record.offset <= previous {
                return Err(BuildError::NonIncreasingOffset {
                    offset: record.offset,
                    previous,
                });
            }
        }
        let offset_delta = self.offset_delta(record.offset)?;
        check_timestamp(record.timestamp)?;
        let base_timestamp = if self.batch.records.is_empty() && !self.batch.has_delete_horizon_ms {
            record.timestamp
        } else {
            self.batch.base_timestamp
        };
        let size = self.size + record.size_in_bytes(self.batch.base_offset, base_timestamp);
        if size > MAX_BATCH_SIZE {
            return Err(BuildError::BatchTooLarge { size });
        }
        self.batch.base_timestamp = base_timestamp;
        self.size = size;
        self.max_timestamp = self.max_timestamp.max(record.timestamp);
        self.last_offset = Some(record.offset);
        self.batch.last_offset_delta = offset_delta;
        self.batch.records.push(record);
        Ok(())
    }

    /// Kafka's `overrideLastOffset`: a compacted batch keeps its original last offset (and so its
    /// last sequence) even when its last records were removed.
    pub fn override_last_offset(&mut self, last_offset: i64) -> Result<(), BuildError> {
        if let Some(previous) = self.last_offset {
            if last_offset < previous {
                return Err(BuildError::NonIncreasingOffset {
                    offset: last_offset,
                    previous,
                });
            }
        }
        self.batch.last_offset_delta = self.offset_delta(last_offset)?;
        self.last_offset = Some(last_offset);
        Ok(())
    }

    fn offset_delta(&self, offset: i64) -> Result<i32, BuildError> {
        offset
            .checked_sub(self.batch.base_offset)
            .and_then(|delta| i32::try_from(delta).ok())
            .ok_or(BuildError::OffsetDeltaOverflow {
                offset,
                base_offset: self.batch.base_offset,
            })
    }

    /// What the batch would encode to now (Kafka's `estimatedSizeInBytes`, exact here since the
    /// playground does not compress).
    pub fn size_in_bytes(&self) -> u64 {
        self.size
    }

    /// Bytes `append` would add for this record, to decide whether it still fits `batch.size`.
    pub fn size_of_next(
        &self,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
    ) -> u64 {
        let offset = self.next_offset().unwrap_or(i64::MAX);
        let base_timestamp = if self.batch.records.is_empty() && !self.batch.has_delete_horizon_ms {
            timestamp
        } else {
            self.batch.base_timestamp
        };
        super::record_size_in_bytes(
            offset.wrapping_sub(self.batch.base_offset) as i32,
            timestamp.wrapping_sub(base_timestamp),
            key,
            value,
            headers,
        )
    }

    pub fn record_count(&self) -> usize {
        self.batch.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.batch.records.is_empty()
    }

    /// The finished batch. An empty batch keeps `NO_TIMESTAMP` as base and max timestamp (unless
    /// it has a delete horizon or a log append time), as Kafka's `writeEmptyHeader` does.
    pub fn build(self) -> RecordBatch {
        let mut batch = self.batch;
        // MemoryRecordsBuilder: the log append time when there is one, else the largest timestamp.
        batch.max_timestamp = self.log_append_time_ms.unwrap_or(self.max_timestamp);
        batch.size_in_bytes = u32::try_from(self.size).unwrap_or(u32::MAX);
        batch
    }
}

/// Kafka: "Invalid negative timestamp", except `NO_TIMESTAMP` (-1), which is allowed.
fn check_timestamp(timestamp: i64) -> Result<(), BuildError> {
    if timestamp < 0 && timestamp != NO_TIMESTAMP {
        return Err(BuildError::NegativeTimestamp { timestamp });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<Vec<u8>> {
        Some(text.as_bytes().to_vec())
    }

    #[test]
    fn assigns_offsets_and_timestamps_as_memory_records_builder() {
        let mut builder = RecordBatchBuilder::with_base_offset(40);
        assert_eq!(builder.append(1_000, None, value("a"), vec![]), Ok(40));
        assert_eq!(builder.append(900, None, value("b"), vec![]), Ok(41));
        assert_eq!(builder.append(1_200, None, value("c"), vec![]), Ok(42));
        let batch = builder.build();
        assert_eq!(
            batch.base_timestamp(),
            1_000,
            "the first record's timestamp"
        );
        assert_eq!(batch.max_timestamp(), 1_200);
        assert_eq!(batch.last_offset_delta(), 2);
        assert_eq!(batch.last_offset(), 42);
        assert_eq!(batch.size_in_bytes() as usize, batch.encode().len());
    }

    #[test]
    fn refuses_what_kafka_refuses() {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        assert_eq!(
            builder.append(-5, None, None, vec![]),
            Err(BuildError::NegativeTimestamp { timestamp: -5 })
        );
        builder
            .append(NO_TIMESTAMP, None, None, vec![])
            .expect("NO_TIMESTAMP is allowed");
        let record = Record {
            offset: 0,
            timestamp: 0,
            key: None,
            value: None,
            headers: vec![],
        };
        let err = builder
            .append_record(record)
            .expect_err("offset must increase");
        assert_eq!(
            err.to_string(),
            "Illegal offset 0 following previous offset 0 (Offsets must increase monotonically)."
        );
        let far = Record {
            offset: 1 << 40,
            timestamp: 0,
            key: None,
            value: None,
            headers: vec![],
        };
        assert!(matches!(
            builder.append_record(far),
            Err(BuildError::OffsetDeltaOverflow { .. })
        ));
        let options = BatchOptions {
            is_transactional: true,
            ..BatchOptions::default()
        };
        assert_eq!(
            RecordBatchBuilder::new(0, options).err(),
            Some(BuildError::TransactionalWithoutProducerId)
        );
        let options = BatchOptions {
            producer_id: 7,
            producer_epoch: 0,
            ..BatchOptions::default()
        };
        assert_eq!(
            RecordBatchBuilder::new(0, options).err(),
            Some(BuildError::NegativeSequence)
        );
    }

    #[test]
    fn log_append_time_and_delete_horizon_set_their_fields() {
        let options = BatchOptions {
            log_append_time_ms: Some(5_000),
            delete_horizon_ms: Some(3_000),
            ..BatchOptions::default()
        };
        let mut builder = RecordBatchBuilder::new(0, options).expect("valid options");
        builder
            .append(1_000, None, value("x"), vec![])
            .expect("append");
        let batch = builder.build();
        assert_eq!(batch.timestamp_type(), TimestampType::LogAppendTime);
        assert_eq!(batch.max_timestamp(), 5_000);
        assert_eq!(
            batch.base_timestamp(),
            3_000,
            "the horizon is the base timestamp"
        );
        assert_eq!(batch.delete_horizon_ms(), Some(3_000));
        assert_eq!(batch.records()[0].timestamp, 1_000);
        assert_eq!(batch.timestamp_of(&batch.records()[0]), 5_000);
        assert_eq!(batch.attributes(), 0x48);
    }

    #[test]
    fn empty_batch_has_no_timestamps_and_override_keeps_last_offset() {
        let batch = RecordBatchBuilder::with_base_offset(9).build();
        assert_eq!(
            (batch.base_timestamp(), batch.max_timestamp()),
            (NO_TIMESTAMP, NO_TIMESTAMP)
        );
        assert_eq!(batch.encode().len(), RECORD_BATCH_OVERHEAD as usize);
        let mut builder = RecordBatchBuilder::with_base_offset(9);
        builder.append(1, None, None, vec![]).expect("append");
        builder.override_last_offset(15).expect("later offset");
        let batch = builder.build();
        assert_eq!(batch.last_offset(), 15);
        assert_eq!(batch.records().len(), 1);
    }

    #[test]
    fn size_of_next_predicts_the_growth() {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for i in 0..20i64 {
            let headers = vec![Header::new("h", value("v"))];
            let predicted = builder.size_of_next(i * 7, Some(b"key"), Some(b"value"), &headers);
            let before = builder.size_in_bytes();
            builder
                .append(i * 7, value("key"), value("value"), headers)
                .expect("append");
            assert_eq!(builder.size_in_bytes() - before, predicted);
        }
    }
}
