//! What checks read from records: which partitions hold a key, and one field of one record —
//! through the consumer's view (`Cluster::fetch` from the leader, below the high watermark), so
//! a check sees what a consumer would.

use crate::engine::Cluster;

/// A record field a check compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<'a> {
    Key,
    Value,
    Header(&'a str),
}

/// Bytes read per fetch while scanning a partition.
const SCAN_BYTES: i32 = 1 << 20;

/// How many partitions of `topic` hold at least one record with `key`; `None` for an unknown
/// topic or a partition that cannot be read (no leader).
pub fn partitions_holding_key(cluster: &Cluster, topic: &str, key: &str) -> Option<usize> {
    let info = cluster.topic(topic)?;
    let mut holding = 0;
    for partition in &info.partitions {
        let mut found = false;
        scan(cluster, topic, partition.partition, |record_key, _, _| {
            found |= record_key == Some(key.as_bytes());
            !found
        })?;
        holding += usize::from(found);
    }
    Some(holding)
}

/// How many readable records of `topic` have `key` (a compacted topic keeps the latest).
pub fn records_with_key(cluster: &Cluster, topic: &str, key: &str) -> Option<usize> {
    let info = cluster.topic(topic)?;
    let mut count = 0;
    for partition in &info.partitions {
        scan(cluster, topic, partition.partition, |record_key, _, _| {
            count += usize::from(record_key == Some(key.as_bytes()));
            true
        })?;
    }
    Some(count)
}

/// One field of the record at `offset` as text (`null` for a null key, value or header value);
/// `None` when there is no such record (or header) below the high watermark.
pub fn record_field(
    cluster: &Cluster,
    topic: &str,
    partition: i32,
    offset: i64,
    field: Field<'_>,
) -> Option<String> {
    let fetched = cluster.fetch(topic, partition, offset, 1).ok()?;
    let record = fetched
        .batches
        .iter()
        .flat_map(|b| b.records())
        .find(|r| r.offset == offset)?;
    let bytes = match field {
        Field::Key => record.key.as_deref(),
        Field::Value => record.value.as_deref(),
        Field::Header(name) => record
            .headers
            .iter()
            .find(|h| h.key == name)?
            .value
            .as_deref(),
    };
    Some(bytes.map_or("null".to_string(), |b| {
        String::from_utf8_lossy(b).into_owned()
    }))
}

/// Calls `visit(key, value, offset)` for each readable record of the partition until it
/// returns false; `None` when the partition cannot be read.
fn scan(
    cluster: &Cluster,
    topic: &str,
    partition: i32,
    mut visit: impl FnMut(Option<&[u8]>, Option<&[u8]>, i64) -> bool,
) -> Option<()> {
    let leader = cluster.partition_info(topic, partition)?.leader?;
    let mut next = cluster
        .broker(leader)?
        .log(topic, partition)?
        .log_start_offset();
    loop {
        let fetched = cluster.fetch(topic, partition, next, SCAN_BYTES).ok()?;
        let Some(last) = fetched.batches.last() else {
            return Some(());
        };
        let after = last.next_offset();
        for record in fetched.batches.iter().flat_map(|b| b.records()) {
            if record.offset >= next
                && !visit(
                    record.key.as_deref(),
                    record.value.as_deref(),
                    record.offset,
                )
            {
                return Some(());
            }
        }
        if after <= next || after >= fetched.high_watermark {
            return Some(());
        }
        next = after;
    }
}
