//! Reset planning against made-up logs, and the texts the scenarios are given in.

use super::*;

/// Partitions' log start and end offsets, and the first offset at or after a few timestamps.
struct Logs {
    bounds: BTreeMap<TopicPartition, (i64, i64)>,
    times: BTreeMap<(TopicPartition, i64), i64>,
}

impl LogOffsets for Logs {
    fn earliest(&self, tp: &TopicPartition) -> Option<i64> {
        self.bounds.get(tp).map(|b| b.0)
    }
    fn latest(&self, tp: &TopicPartition) -> Option<i64> {
        self.bounds.get(tp).map(|b| b.1)
    }
    fn for_timestamp(&self, tp: &TopicPartition, timestamp: i64) -> Option<i64> {
        self.times.get(&(tp.clone(), timestamp)).copied()
    }
}

fn tp(partition: i32) -> TopicPartition {
    TopicPartition::new("t", partition)
}

/// t-0 holds offsets 2..10, t-1 0..4, t-2 is empty at 7.
fn logs() -> Logs {
    Logs {
        bounds: [(tp(0), (2, 10)), (tp(1), (0, 4)), (tp(2), (7, 7))].into(),
        times: [((tp(0), 1000), 6), ((tp(1), 1000), 3)].into(),
    }
}

fn all() -> Vec<TopicPartition> {
    vec![tp(0), tp(1), tp(2)]
}

fn committed() -> BTreeMap<TopicPartition, i64> {
    [(tp(0), 5), (tp(1), 4)].into()
}

fn offsets(plan: &Plan) -> BTreeMap<i32, i64> {
    plan.offsets
        .iter()
        .map(|(tp, o)| (tp.partition, *o))
        .collect()
}

#[test]
fn earliest_latest_and_current() {
    let p = plan(Scenario::ToEarliest, &all(), &committed(), &logs()).unwrap();
    assert_eq!(offsets(&p), [(0, 2), (1, 0), (2, 7)].into());
    let p = plan(Scenario::ToLatest, &all(), &committed(), &logs()).unwrap();
    assert_eq!(offsets(&p), [(0, 10), (1, 4), (2, 7)].into());
    // Without a committed offset, --to-current takes the log end offset.
    let p = plan(Scenario::ToCurrent, &all(), &committed(), &logs()).unwrap();
    assert_eq!(offsets(&p), [(0, 5), (1, 4), (2, 7)].into());
    assert!(p.notices.is_empty());
}

#[test]
fn to_offset_is_clamped_to_the_log_with_warnings() {
    let p = plan(Scenario::ToOffset(3), &all(), &committed(), &logs()).unwrap();
    assert_eq!(offsets(&p), [(0, 3), (1, 3), (2, 7)].into());
    assert_eq!(
        p.notices,
        [Notice::Warn(
            "New offset (3) is lower than earliest offset for topic partition t-2. Value will be set to 7".into()
        )]
    );
    let p = plan(Scenario::ToOffset(50), &[tp(0)], &committed(), &logs()).unwrap();
    assert_eq!(offsets(&p), [(0, 10)].into());
    let (stdout, lines) = p.notices[0].lines(1_735_689_600_000);
    assert!(!stdout);
    assert_eq!(
        lines,
        ["[2025-01-01 00:00:00,000] WARN New offset (50) is higher than latest offset for topic partition t-0. Value will be set to 10 (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)"]
    );
}

#[test]
fn shift_by_moves_from_the_committed_offset() {
    let p = plan(
        Scenario::ShiftBy(-4),
        &[tp(0), tp(1)],
        &committed(),
        &logs(),
    )
    .unwrap();
    assert_eq!(offsets(&p), [(0, 2), (1, 0)].into());
    assert_eq!(p.notices.len(), 1, "5-4=1 is below t-0's start 2");
    assert_eq!(
        plan(Scenario::ShiftBy(1), &all(), &committed(), &logs()).unwrap_err(),
        "Cannot shift offset for partition t-2 since there is no current committed offset"
    );
}

#[test]
fn by_timestamp_falls_back_to_the_end_of_an_empty_partition() {
    let p = plan(Scenario::ToTimestamp(1000), &all(), &committed(), &logs()).unwrap();
    assert_eq!(offsets(&p), [(0, 6), (1, 3), (2, 7)].into());
    assert_eq!(p.notices, [Notice::Empty(tp(2))]);
    assert_eq!(
        p.notices[0].lines(0),
        (
            true,
            vec![
                String::new(),
                "Warn: Partition 2 from topic t is empty. Falling back to latest known offset."
                    .to_string()
            ]
        )
    );
}

#[test]
fn unknown_log_offsets_are_usage_errors() {
    let missing = TopicPartition::new("x", 0);
    let err = |s| plan(s, std::slice::from_ref(&missing), &BTreeMap::new(), &logs()).unwrap_err();
    assert_eq!(
        err(Scenario::ToEarliest),
        "Error getting starting offset of topic partition: x-0"
    );
    assert_eq!(
        err(Scenario::ToLatest),
        "Error getting ending offset of topic partition: x-0"
    );
    assert_eq!(
        err(Scenario::ToTimestamp(5)),
        "Error getting offset by timestamp of topic partition: x-0"
    );
    // checkOffsetsRange keeps an offset it cannot check.
    let p = plan(Scenario::ToOffset(9), &[missing], &BTreeMap::new(), &logs()).unwrap();
    assert_eq!(p.offsets[0].1, 9);
}

#[test]
fn plans_print_in_hash_map_order() {
    let many: Vec<TopicPartition> = (0..20).map(tp).collect();
    let logs = Logs {
        bounds: many.iter().map(|t| (t.clone(), (0, 1))).collect(),
        times: BTreeMap::new(),
    };
    let p = plan(Scenario::ToEarliest, &many, &BTreeMap::new(), &logs).unwrap();
    let order: Vec<i32> = p.offsets.iter().map(|(t, _)| t.partition).collect();
    assert_eq!(order, (0..20).rev().collect::<Vec<_>>());
}

#[test]
fn topic_arguments() {
    assert_eq!(parse_topic_partitions("t:0,2").unwrap(), [tp(0), tp(2)]);
    assert_eq!(
        parse_topic_partitions("t:").unwrap_err(),
        "Invalid topic arg 't:', expected topic name and partitions"
    );
    assert_eq!(
        parse_topic_partitions("t:0:1").unwrap_err(),
        "Invalid topic arg 't:0:1', expected topic name and partitions"
    );
    assert_eq!(
        parse_topic_partitions("t:a").unwrap_err(),
        "Invalid partition 'a' specified in topic arg 't:a''"
    );
}

#[test]
fn datetimes_as_utils_get_date_time_reads_them() {
    assert_eq!(
        parse_datetime("2025-01-01T00:00:00.000"),
        Ok(1_735_689_600_000)
    );
    assert_eq!(
        parse_datetime("2025-01-01T01:00:00.000+01:00"),
        Ok(1_735_689_600_000)
    );
    assert_eq!(
        parse_datetime("2025-01-01T01:00:00.000+01"),
        Ok(1_735_689_600_000)
    );
    assert_eq!(
        parse_datetime("2024-12-31T23:59:59.999-00:00"),
        Ok(1_735_689_599_999)
    );
    assert_eq!(
        parse_datetime("2025-01-01 00:00:00").unwrap_err(),
        "java.text.ParseException: Error parsing timestamp. It does not contain a 'T' according to ISO8601 format"
    );
    assert_eq!(
        parse_datetime("2025-01-01T00:00:00").unwrap_err(),
        "java.text.ParseException: Unparseable date: \"2025-01-01T00:00:00Z\""
    );
    assert!(parse_datetime("2025-02-30T00:00:00.000").is_err());
}

#[test]
fn durations_as_java_time_reads_them() {
    assert_eq!(parse_duration("PT1H"), Ok(3_600_000));
    assert_eq!(parse_duration("pt15m"), Ok(900_000));
    assert_eq!(parse_duration("P1DT2H3M4.5S"), Ok(93_784_500));
    assert_eq!(parse_duration("-PT10S"), Ok(-10_000));
    assert_eq!(parse_duration("PT-0.5S"), Ok(-500));
    for bad in ["", "P", "PT", "1H", "P1H", "PT1.5H", "P1DT"] {
        assert_eq!(
            parse_duration(bad).unwrap_err(),
            "Text cannot be parsed to a Duration",
            "{bad}"
        );
    }
}
