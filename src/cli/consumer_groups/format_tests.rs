//! The layouts of `format`, against lines Java's `printf` printed with `ConsumerGroupCommand`'s
//! own format strings (run in `jshell`; trailing spaces are part of them).

use super::*;
use crate::engine::group::describe::GroupType;

fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

fn row(partition: i32, offset: Option<i64>, end: Option<i64>, who: Option<&str>) -> PartitionRow {
    PartitionRow {
        group: "g".into(),
        topic: Some("orders".into()),
        partition: Some(partition),
        offset,
        lag: offset.zip(end).map(|(o, e)| e - o),
        consumer_id: who
            .map(|_| "console-consumer-7f3c2a-1".to_string())
            .or(Some("-".into())),
        host: Some(who.map_or("-", |_| "/127.0.0.1").into()),
        client_id: Some(who.unwrap_or("-").into()),
        log_end_offset: end,
        leader_epoch: offset.map(|_| 0),
    }
}

#[test]
fn offsets_widen_for_long_member_ids_and_dash_what_is_missing() {
    let rows = [
        row(0, Some(5), Some(7), Some("console-consumer")),
        row(1, None, Some(3), None),
    ];
    assert_eq!(
        lines(&offsets(&rows, false)),
        [
            "",
            "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID               HOST            CLIENT-ID",
            "g               orders          0          5               7               2               console-consumer-7f3c2a-1 /127.0.0.1      console-consumer",
            "g               orders          1          -               3               -               -                         -               -",
        ]
    );
}

#[test]
fn verbose_offsets_add_the_leader_epoch() {
    let rows = [row(0, Some(5), Some(7), Some("c"))];
    let text = lines(&offsets(&rows, true));
    assert_eq!(text[1], "GROUP           TOPIC           PARTITION  LEADER-EPOCH    CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID               HOST            CLIENT-ID");
    assert_eq!(text[2], "g               orders          0          0               5               7               2               console-consumer-7f3c2a-1 /127.0.0.1      c");
}

#[test]
fn reset_table_has_fixed_columns_and_a_closing_newline() {
    let groups = vec![("g".to_string(), vec![(tp("orders", 0), 3)])];
    assert_eq!(
        offsets_to_reset(&groups),
        "\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n\
         g                              orders                         0          3              \n"
    );
    // A refused group: the header alone. No group: only the `println()`.
    let refused = vec![("g".to_string(), Vec::new())];
    assert_eq!(lines(&offsets_to_reset(&refused)).len(), 2);
    assert_eq!(offsets_to_reset(&[]), "\n");
}

#[test]
fn reset_csv() {
    let groups = vec![("g".to_string(), vec![(tp("t", 0), 3), (tp("t", 1), 4)])];
    assert_eq!(offsets_csv(&groups, true), "t,0,3\nt,1,4\n\n");
    assert_eq!(offsets_csv(&groups, false), "g,t,0,3\ng,t,1,4\n\n");
}

fn member(id: &str, assignment: Vec<TopicPartition>) -> MemberRow {
    MemberRow {
        group: "g".into(),
        consumer_id: id.into(),
        host: "/127.0.0.1".into(),
        client_id: "c1".into(),
        group_instance_id: String::new(),
        num_partitions: assignment.len(),
        assignment,
        target_assignment: Vec::new(),
        current_epoch: None,
        target_epoch: None,
        upgraded: None,
    }
}

#[test]
fn members_with_and_without_verbose() {
    let rows = [member("m1", vec![tp("t", 1), tp("t", 0)])];
    assert_eq!(
        lines(&members(&rows, true)),
        [
            "",
            "GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   ",
            "g               m1              /127.0.0.1      c1              2               -               t:0,1                -               -                   ",
        ]
    );
    assert_eq!(
        lines(&members(&rows, false))[1],
        "GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     "
    );
    // A group that does not exist still gets the header.
    assert_eq!(lines(&members(&[], false)).len(), 2);
}

#[test]
fn members_show_static_ids_and_upgrades_when_present() {
    let mut a = member("m1", vec![tp("t", 0)]);
    a.group_instance_id = "instance-1".into();
    a.upgraded = Some(true);
    let mut b = member("m2", vec![]);
    b.upgraded = Some(false);
    let text = lines(&members(&[a, b], true));
    assert_eq!(text[1], "GROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT    UPGRADED");
    assert_eq!(text[2], "g               m1              instance-1        /127.0.0.1      c1              1               -               t:0                  -               -                    true");
    assert_eq!(text[3], "g               m2                                /127.0.0.1      c1              0               -               -                    -               -                    false");
}

#[test]
fn assignment_strings_sort_topics_and_partitions() {
    assert_eq!(
        assignment_string(&[tp("b", 2), tp("a", 1), tp("b", 0)]),
        "a:1;b:0,2"
    );
    assert_eq!(assignment_string(&[]), "-");
}

#[test]
fn state_rows() {
    let row = StateRow {
        group: "g".into(),
        coordinator: "localhost:9092  (1)".into(),
        assignment_strategy: "range".into(),
        state: GroupState::Stable,
        num_members: 1,
        group_epoch: None,
        target_assignment_epoch: None,
    };
    assert_eq!(
        lines(&state(&row, false)),
        [
            "",
            "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS",
            "g               localhost:9092  (1)       range                Stable               1",
        ]
    );
    let empty = StateRow {
        assignment_strategy: String::new(),
        state: GroupState::Empty,
        num_members: 0,
        ..row
    };
    assert_eq!(
        lines(&state(&empty, true))[1..],
        [
            "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                GROUP-EPOCH     TARGET-ASSIGNMENT-EPOCH   #MEMBERS",
            "g               localhost:9092  (1)       -                    Empty                -               -                         0",
        ]
    );
}

#[test]
fn group_info_with_type_and_state() {
    let listing = GroupListing {
        group_id: "g".into(),
        group_type: GroupType::Classic,
        protocol_type: "consumer".into(),
        state: GroupState::Empty,
    };
    assert_eq!(
        lines(&group_info(std::slice::from_ref(&listing), true, true)),
        [
            "GROUP                     TYPE                 STATE               ",
            "g                         Classic              Empty               ",
        ]
    );
    assert_eq!(
        lines(&group_info(&[listing], false, true)),
        [
            "GROUP                     STATE               ",
            "g                         Empty               "
        ]
    );
    // Only the header (no leading empty line) when nothing matches.
    assert_eq!(
        lines(&group_info(&[], true, false)),
        ["GROUP                     TYPE                "]
    );
}

#[test]
fn delete_offsets_table_sorts_as_text() {
    let results = vec![
        (tp("t", 2), None),
        (tp("t", 10), Some("org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.".to_string())),
        (tp("gone", -1), Some("org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.".to_string())),
    ];
    assert_eq!(
        lines(&delete_offsets(&results)),
        [
            "",
            "TOPIC           PARTITION  STATUS         ",
            "gone            -          Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.",
            "t               10         Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.",
            "t               2          Successful     ",
        ]
    );
}

#[test]
fn delete_groups_reports() {
    assert_eq!(
        delete_groups(&["a".into(), "b".into()], &[]),
        "Deletion of requested consumer groups ('a', 'b') was successful.\n"
    );
    assert_eq!(
        lines(&delete_groups(
            &["a".into()],
            &[("b".into(), "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.".into())]
        )),
        [
            "",
            "Error: Deletion of some consumer groups failed:",
            "* Group 'b' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.",
            "",
            "These consumer groups were deleted successfully: 'a'",
        ]
    );
}
