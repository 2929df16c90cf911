//! One cleaning round of one log, as Kafka's `Cleaner.doClean`.
//!
//! 1. `buildOffsetMap`: scan the dirty section (first dirty offset up to the first uncleanable
//!    offset) and map every key to its latest offset, until the map is full.
//! 2. Group the segments from the start of the log up to the end of what was mapped
//!    (`groupSegmentsBySize`) — the clean tail is cleaned again, which is how an old value whose
//!    key was updated in the dirty head goes away.
//! 3. `cleanSegments` / `cleanInto`: copy each group into one `.cleaned` segment, keeping a record
//!    only if it is the latest for its key (or past the map), dropping a tombstone once its batch's
//!    delete horizon has passed, and following `MemoryRecords.filterTo` for batches: a batch whose
//!    records all stay and which needs no delete horizon is copied byte for byte; otherwise it is
//!    rebuilt with its original base offset, last offset (`overrideLastOffset`), producer fields
//!    and — when it keeps a tombstone and has no horizon yet — the KIP-534 delete horizon
//!    `now + delete.retention.ms` in its base timestamp, with attribute bit 6 set. A batch left
//!    empty is dropped unless it is the last batch of an active producer or the last batch of the
//!    round (`BatchRetention.RETAIN_EMPTY`), which keep an empty header.
//! 4. Swap the cleaned segment in ([`super::swap`]).
//!
//! Control batches keep all their records: the playground has no transactions, so there are no
//! aborted transactions or markers to remove (docs/DEPARTURES.md). A batch whose records cannot be
//! read (compressed, which the playground never writes) is kept as it is.

use super::grouping::{group_segments_by_size, SegmentSizes};
use super::offset_map::OffsetMap;
use super::LogToClean;
use crate::engine::log::index::{OFFSET_ENTRY_SIZE, TIME_ENTRY_SIZE};
use crate::engine::log::segment::{BatchSummary, Segment};
use crate::engine::log::PartitionLog;
use crate::engine::record::{
    BatchHeader, BatchOptions, BatchRef, Record, RecordBatchBuilder, RecordRef, TimestampType,
};
use crate::engine::sorting::CollectBTree;
use crate::storage::FileStore;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What a cleaning round needs besides the log: the time and the cleaner's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanParams {
    /// The time of the clean (`currentTime` of `doClean`).
    pub now: i64,
    /// The offset map's memory: `log.cleaner.dedupe.buffer.size / log.cleaner.threads`.
    pub dedupe_buffer_size: i64,
    /// `log.cleaner.io.buffer.load.factor` as a percentage (Kafka's 0.9 is 90).
    pub load_factor_percent: i64,
    /// `producer.id.expiration.ms`: producers idle longer are no longer active.
    pub producer_id_expiration_ms: i64,
}

impl Default for CleanParams {
    /// Kafka 4.1's defaults (`CleanerConfig`, `ProducerStateManagerConfig`) at time 0.
    fn default() -> Self {
        CleanParams {
            now: 0,
            dedupe_buffer_size: 128 * 1024 * 1024,
            load_factor_percent: 90,
            producer_id_expiration_ms: 86_400_000,
        }
    }
}

/// `CleanerStats`, in the playground's terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanerStats {
    /// Bytes and records of the segments rewritten.
    pub bytes_read: i64,
    pub messages_read: i64,
    /// Bytes and records of the cleaned segments.
    pub bytes_written: i64,
    pub messages_written: i64,
    /// Records with a null value that were removed (superseded, or past their delete horizon).
    pub tombstones_removed: i64,
    /// Keyless records, which a compacted log drops (`CleanerStats.invalidMessage`).
    pub invalid_messages: i64,
    /// Records read while building the offset map, and the keys it ended with.
    pub map_messages_read: i64,
    pub map_keys: i64,
    /// Segments rewritten and the cleaned segments they became.
    pub segments_read: i64,
    pub segments_written: i64,
}

/// What one cleaning round did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanResult {
    pub first_dirty_offset: i64,
    /// The first offset not cleaned: the next round's first dirty offset (`doClean`'s `endOffset`).
    pub end_offset: i64,
    pub stats: CleanerStats,
    /// The log's size before and after.
    pub bytes_before: i64,
    pub bytes_after: i64,
    /// Files renamed to `.deleted`, to be removed after `file.delete.delay.ms`.
    pub deleted_files: Vec<String>,
    /// The new segments' files under their final names, for the broker to make durable.
    pub cleaned_files: Vec<String>,
}

/// The record filter of `Cleaner.cleanInto` for one round.
struct Filter<'a> {
    map: &'a OffsetMap,
    now: i64,
    delete_retention_ms: i64,
    /// Active producer id → the last offset of its last data batch (`lastRecordsOfActiveProducers`).
    active_producers: &'a BTreeMap<i64, i64>,
    /// `upperBoundOffsetOfCleaningRound`: the batch ending just below it is kept even if empty.
    upper_bound_offset: i64,
}

impl PartitionLog {
    /// `Cleaner.doClean`: cleans this log from `to_clean.first_dirty_offset` up to its first
    /// uncleanable offset and swaps the cleaned segments in.
    pub fn clean(
        &mut self,
        store: &mut FileStore,
        to_clean: &LogToClean,
        params: &CleanParams,
    ) -> CleanResult {
        let bytes_before = self.size_in_bytes();
        let mut stats = CleanerStats::default();
        let upper_bound_offset = to_clean.first_uncleanable_offset;
        let mut map = OffsetMap::new(params.dedupe_buffer_size, params.load_factor_percent);
        self.build_offset_map(
            store,
            to_clean.first_dirty_offset,
            upper_bound_offset,
            &mut map,
            &mut stats,
        );
        let end_offset = map.latest_offset().saturating_add(1);
        stats.map_keys = i64::try_from(map.size()).unwrap_or(i64::MAX);
        let sizes: Vec<SegmentSizes> = self.log_segments(0, end_offset).map(sizes_of).collect();
        let groups = group_segments_by_size(
            &sizes,
            self.config().segment_bytes,
            self.config().segment_index_bytes,
            upper_bound_offset,
        );
        let active_producers = self.last_records_of_active_producers(
            store,
            params.now.saturating_sub(params.producer_id_expiration_ms),
        );
        let filter = Filter {
            map: &map,
            now: params.now,
            delete_retention_ms: self.config().delete_retention_ms,
            active_producers: &active_producers,
            upper_bound_offset,
        };
        let (mut deleted_files, mut cleaned_files) = (Vec::new(), Vec::new());
        for group in groups {
            let bases: Vec<i64> = sizes[group].iter().map(|s| s.base_offset).collect();
            let (cleaned, scratch) = self.clean_segments(store, &bases, &filter, &mut stats);
            cleaned_files.extend(super::swap::files_of(&cleaned));
            deleted_files.extend(self.replace_segments(store, &scratch, cleaned, &bases));
        }
        CleanResult {
            first_dirty_offset: to_clean.first_dirty_offset,
            end_offset,
            stats,
            bytes_before,
            bytes_after: self.size_in_bytes(),
            deleted_files,
            cleaned_files,
        }
    }

    /// `Cleaner.buildOffsetMap`: maps the keys of `[start, end)`, segment by segment, until the
    /// map is full; without a full map, the latest offset is fast-forwarded to `end - 1`.
    fn build_offset_map(
        &self,
        store: &FileStore,
        start: i64,
        end: i64,
        map: &mut OffsetMap,
        stats: &mut CleanerStats,
    ) {
        map.clear();
        let dirty: Vec<&Segment> = self.log_segments(start, end).collect();
        for (i, segment) in dirty.iter().enumerate() {
            let next_segment_start = dirty.get(i + 1).map_or(end, |s| s.base_offset);
            let position = segment.offset_index().lookup(start).position;
            let bytes = store.contents(&segment.log_path()).unwrap_or_default();
            let from = usize::try_from(position).unwrap_or(0).min(bytes.len());
            if map_segment(&bytes[from..], start, map, stats) {
                return;
            }
            // In the case of offset gaps, fast forward to the latest expected offset.
            map.update_latest_offset(next_segment_start.saturating_sub(1));
        }
    }

    /// `UnifiedLog.lastRecordsOfActiveProducers`, from the log itself: each producer whose last
    /// batch is no older than `active_since` (`producer.id.expiration.ms` before now), with the
    /// last offset of its last data batch.
    fn last_records_of_active_producers(
        &self,
        store: &FileStore,
        active_since: i64,
    ) -> BTreeMap<i64, i64> {
        let mut last: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for segment in self.segments() {
            let bytes = store.contents(&segment.log_path()).unwrap_or_default();
            for (header, _) in batches(bytes) {
                if header.producer_id >= 0 && !header.is_control {
                    last.insert(
                        header.producer_id,
                        (header.last_offset(), header.max_timestamp),
                    );
                }
            }
        }
        last.into_iter()
            .filter(|(_, (_, timestamp))| *timestamp >= active_since)
            .map(|(producer_id, (offset, _))| (producer_id, offset))
            .collect_map()
    }

    /// `Cleaner.cleanSegments`: the segments with base offsets `bases` cleaned into one new
    /// segment at the first base offset, built in a scratch store (the `.cleaned` files).
    fn clean_segments(
        &self,
        store: &FileStore,
        bases: &[i64],
        filter: &Filter<'_>,
        stats: &mut CleanerStats,
    ) -> (Segment, FileStore) {
        let mut scratch = FileStore::new();
        let first_base = bases.first().copied().unwrap_or(0);
        let config = self.config();
        let mut cleaned = Segment::create(
            &mut scratch,
            &self.dir(),
            first_base,
            config.segment_index_bytes,
            0,
            filter.now,
        );
        for segment in self.segments().filter(|s| bases.contains(&s.base_offset)) {
            stats.segments_read += 1;
            let bytes = store.contents(&segment.log_path()).unwrap_or_default();
            for (header, raw) in batches(bytes) {
                stats.bytes_read += raw.len() as i64;
                let Some(kept) = filter.filter_batch(&header, raw, stats) else {
                    continue;
                };
                let Ok(kept_header) = BatchHeader::parse(&kept) else {
                    continue;
                };
                stats.bytes_written += kept.len() as i64;
                let summary = BatchSummary {
                    base_offset: kept_header.base_offset,
                    last_offset: kept_header.last_offset(),
                    max_timestamp: kept_header.max_timestamp,
                    // LogSegment.append indexes a batch's max timestamp at its last offset.
                    size_in_bytes: i32::try_from(kept.len()).unwrap_or(i32::MAX),
                    record_count: kept_header.records_count,
                };
                cleaned.append(&mut scratch, &summary, &kept, config.index_interval_bytes);
            }
        }
        cleaned.on_become_inactive(&mut scratch);
        stats.segments_written += 1;
        (cleaned, scratch)
    }
}

/// The offset and time index sizes as `groupSegmentsBySize` reads them (`sizeInBytes` of a
/// trimmed index: its entries).
fn sizes_of(segment: &Segment) -> SegmentSizes {
    SegmentSizes {
        base_offset: segment.base_offset,
        log_bytes: i64::from(segment.size()),
        index_bytes: segment.offset_index().entries().len() as i64 * i64::from(OFFSET_ENTRY_SIZE),
        time_index_bytes: segment.time_index().entries().len() as i64 * i64::from(TIME_ENTRY_SIZE),
    }
}

/// The whole batches of a `.log` file's bytes, with their headers; stops at the first batch that
/// does not parse or is cut short (recovery, not the cleaner, deals with a torn tail).
fn batches(bytes: &[u8]) -> impl Iterator<Item = (BatchHeader, &[u8])> {
    let mut position = 0usize;
    std::iter::from_fn(move || {
        let rest = bytes.get(position..)?;
        let header = BatchHeader::parse(rest).ok()?;
        let size = usize::try_from(header.size_in_bytes()).ok()?;
        let raw = rest.get(..size)?;
        position += size;
        Some((header, raw))
    })
}

/// `Cleaner.buildOffsetMapForSegment` over one segment's bytes from the indexed position; true
/// when the map filled up.
fn map_segment(bytes: &[u8], start: i64, map: &mut OffsetMap, stats: &mut CleanerStats) -> bool {
    for (header, raw) in batches(bytes) {
        if header.is_control {
            stats.map_messages_read += 1;
        } else if let Ok((batch, _)) = BatchRef::decode(raw) {
            // Keys are looked at where they lie; the map copies only the ones it keeps.
            for record in batch.records() {
                if let Some(key) = record.key {
                    if record.offset >= start {
                        if !map.has_room() {
                            return true;
                        }
                        map.put(key, record.offset);
                    }
                }
                stats.map_messages_read += 1;
            }
        }
        if header.last_offset() >= start {
            map.update_latest_offset(header.last_offset());
        }
    }
    false
}

impl Filter<'_> {
    /// `MemoryRecords.filterTo` for one batch with the cleaner's `RecordFilter`: the bytes to
    /// keep (the original, a rebuilt batch or an empty header), or `None` to drop the batch.
    fn filter_batch<'b>(
        &self,
        header: &BatchHeader,
        raw: &'b [u8],
        stats: &mut CleanerStats,
    ) -> Option<Cow<'b, [u8]>> {
        // Records are judged where they lie; only a batch that loses some is rebuilt (copied).
        let Ok((batch, _)) = BatchRef::decode(raw) else {
            // A batch the playground cannot read (compressed) is kept as it is.
            let count = i64::from(header.records_count.max(0));
            stats.messages_read += count;
            stats.messages_written += count;
            return Some(Cow::Borrowed(raw));
        };
        let is_last_of_producer = header.producer_id >= 0
            && self.active_producers.get(&header.producer_id) == Some(&header.last_offset());
        let retain_empty = is_last_of_producer || header.next_offset() == self.upper_bound_offset;
        let total = batch.records().len();
        let mut retained = Vec::with_capacity(total);
        let mut contains_tombstones = false;
        for &record in batch.records() {
            stats.messages_read += 1;
            if header.is_control || self.should_retain_record(header, &record, stats) {
                contains_tombstones |= record.value.is_none();
                retained.push(record);
            } else if record.value.is_none() {
                stats.tombstones_removed += 1;
            }
        }
        stats.messages_written += retained.len() as i64;
        if !retained.is_empty() {
            let need_delete_horizon = contains_tombstones && !header.has_delete_horizon_ms;
            if retained.len() == total && !need_delete_horizon {
                return Some(Cow::Borrowed(raw));
            }
            let horizon = if need_delete_horizon {
                Some(self.now.saturating_add(self.delete_retention_ms))
            } else {
                header.delete_horizon_ms()
            };
            // A batch the builder refuses (inconsistent producer fields) is kept whole: keeping
            // more than needed is always safe for a compacted log.
            let retained = retained.iter().map(RecordRef::to_record).collect();
            Some(rebuild(header, retained, horizon).map_or(Cow::Borrowed(raw), Cow::Owned))
        } else if retain_empty {
            Some(empty_header(header).map_or(Cow::Borrowed(raw), Cow::Owned))
        } else {
            None
        }
    }

    /// `Cleaner.shouldRetainRecord`: past the map, or the latest for its key and either a value
    /// or a tombstone whose delete horizon has not passed. Keyless records are dropped.
    fn should_retain_record(
        &self,
        header: &BatchHeader,
        record: &RecordRef<'_>,
        stats: &mut CleanerStats,
    ) -> bool {
        if record.offset > self.map.latest_offset() {
            return true;
        }
        let Some(key) = record.key else {
            stats.invalid_messages += 1;
            return false;
        };
        let latest_offset_for_key = record.offset >= self.map.get(key);
        let retain_deletes = header.delete_horizon_ms().is_none_or(|h| self.now < h);
        latest_offset_for_key && (record.value.is_some() || retain_deletes)
    }
}

/// `MemoryRecords.buildRetainedRecordsInto`: the retained records in a batch with the original's
/// header fields, base offset and last offset, and `delete_horizon_ms` if any.
fn rebuild(
    header: &BatchHeader,
    records: Vec<Record>,
    delete_horizon_ms: Option<i64>,
) -> Option<Vec<u8>> {
    let options = BatchOptions {
        delete_horizon_ms,
        ..options_of(header)
    };
    let mut builder = RecordBatchBuilder::new(header.base_offset, options).ok()?;
    for record in records {
        builder.append_record(record).ok()?;
    }
    builder.override_last_offset(header.last_offset()).ok()?;
    Some(builder.build().encode())
}

/// `DefaultRecordBatch.writeEmptyHeader`: no records, base timestamp `NO_TIMESTAMP`, the
/// original max timestamp, offsets, producer fields and flags (no delete horizon).
fn empty_header(header: &BatchHeader) -> Option<Vec<u8>> {
    let options = BatchOptions {
        log_append_time_ms: None,
        ..options_of(header)
    };
    let mut builder = RecordBatchBuilder::new(header.base_offset, options).ok()?;
    builder.override_last_offset(header.last_offset()).ok()?;
    let mut batch = builder.build();
    batch.set_max_timestamp(header.timestamp_type, header.max_timestamp);
    Some(batch.encode())
}

fn options_of(header: &BatchHeader) -> BatchOptions {
    BatchOptions {
        partition_leader_epoch: header.partition_leader_epoch,
        producer_id: header.producer_id,
        producer_epoch: header.producer_epoch,
        base_sequence: header.base_sequence,
        is_transactional: header.is_transactional,
        is_control: header.is_control,
        // A LogAppendTime batch keeps its append time as its max timestamp.
        log_append_time_ms: (header.timestamp_type == TimestampType::LogAppendTime)
            .then_some(header.max_timestamp),
        delete_horizon_ms: None,
    }
}
