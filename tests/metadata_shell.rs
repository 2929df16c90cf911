//! `kafka-metadata-shell.sh --snapshot FILE COMMAND`: the metadata image a broker's copy of
//! `__cluster_metadata-0` replays to, browsed as Kafka 4.1's `MetadataShell` browses it.
//!
//! Kafka's sources cited: `shell/src/main/java/org/apache/kafka/shell/MetadataShell.java`
//! (options, errors), `shell/.../command/{Commands,LsCommandHandler,CatCommandHandler,
//! TreeCommandHandler,FindCommandHandler}.java` (commands and their messages),
//! `shell/.../node/RootShellNode.java`, `metadata/.../image/node/*.java` (the tree) and
//! `metadata/.../metadata/{PartitionRegistration,BrokerRegistration}.java` (`toString`).

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::{Cluster, ClusterOptions};

const LOG: &str = "/tmp/kraft-combined-logs/broker-1/__cluster_metadata-0/00000000000000000000.log";

/// Three brokers with a topic `orders` (2 partitions, RF 3, `retention.ms=1000`) and a
/// cluster-wide broker default config.
fn cluster() -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 3,
        seed: 7,
        ..ClusterOptions::default()
    });
    let setup = run_script(
        &mut cluster,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders \
           --partitions 2 --replication-factor 3 --config retention.ms=1000\n\
         kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type brokers \
           --entity-default --add-config log.retention.ms=5000\n\
         time advance 1s",
    );
    assert!(!setup.failed, "{setup:?}");
    cluster
}

fn shell(cluster: &mut Cluster, command: &str) -> Output {
    run_script(
        cluster,
        &format!("kafka-metadata-shell.sh --snapshot {LOG} {command}"),
    )
}

fn stdout(cluster: &mut Cluster, command: &str) -> String {
    let output = shell(cluster, command);
    assert!(!output.failed, "{output:?}");
    assert_eq!(output.stderr(), "");
    output.stdout()
}

#[test]
fn ls_lists_the_root_the_image_and_the_topics() {
    let mut cluster = cluster();
    // RootShellNode: `local` and `image`, sorted by LsCommandHandler.
    assert_eq!(stdout(&mut cluster, "ls /"), "image\nlocal\n");
    // MetadataImageNode.CHILDREN, sorted.
    assert_eq!(
        stdout(&mut cluster, "ls /image"),
        "acls\nclientQuotas\ncluster\nconfigs\ndelegationToken\nfeatures\nproducerIds\n\
         provenance\nscram\ntopics\n"
    );
    assert_eq!(stdout(&mut cluster, "ls /image/topics/byName"), "orders\n");
    // TopicImageNode: name, id and the partitions; ls with no path lists the working directory.
    assert_eq!(
        stdout(&mut cluster, "ls image/topics/byName/orders"),
        "0\n1\nid\nname\n"
    );
    assert_eq!(stdout(&mut cluster, "ls"), "image\nlocal\n");
    // LsCommandHandler.printTargets: files first, then each directory under a heading.
    assert_eq!(
        stdout(
            &mut cluster,
            "ls /image/topics/byName/orders/name /image/cluster/brokers /local"
        ),
        "name\n\nbrokers:\n1\n2\n3\n\nlocal:\ncommitId\nversion\n"
    );
}

#[test]
fn cat_prints_partition_broker_feature_and_config_leaves() {
    let mut cluster = cluster();
    // PartitionRegistration.toString; a record without directories gets DirectoryId.MIGRATING.
    assert_eq!(
        stdout(&mut cluster, "cat /image/topics/byName/orders/0"),
        "PartitionRegistration(replicas=[1, 2, 3], directories=[AAAAAAAAAAAAAAAAAAAAAQ, \
         AAAAAAAAAAAAAAAAAAAAAQ, AAAAAAAAAAAAAAAAAAAAAQ], isr=[1, 2, 3], removingReplicas=[], \
         addingReplicas=[], elr=[], lastKnownElr=[], leader=1, leaderRecoveryState=RECOVERED, \
         leaderEpoch=0, partitionEpoch=0)\n"
    );
    // BrokerRegistration.toString: the epoch is the offset of its RegisterBrokerRecord.
    let broker = stdout(&mut cluster, "cat /image/cluster/brokers/2");
    assert!(
        broker.starts_with("BrokerRegistration(id=2, epoch="),
        "{broker}"
    );
    assert!(
        broker.ends_with(
            ", listeners=[], supportedFeatures={}, rack=Optional.empty, fenced=false, \
             inControlledShutdown=false, isMigratingZkBroker=false, directories=[])\n"
        ),
        "{broker}"
    );
    // FeaturesImageNode: MetadataVersion.toString of IBP_4_1_IV1.
    assert_eq!(
        stdout(&mut cluster, "cat /image/features/metadataVersion"),
        "4.1-IV1\n"
    );
    // ConfigurationsImageNode names: `TYPE:name`, or `TYPE` for a default resource.
    assert_eq!(
        stdout(
            &mut cluster,
            "cat /image/configs/TOPIC:orders/retention.ms /image/configs/BROKER/log.retention.ms"
        ),
        "1000\n5000\n"
    );
    // The same topic under byId, found through its id leaf.
    let id = stdout(&mut cluster, "cat /image/topics/byName/orders/id");
    let by_id = stdout(
        &mut cluster,
        &format!("cat /image/topics/byId/{}/name", id.trim()),
    );
    assert_eq!(by_id, "orders\n");
    // ProducerIdsImage.EMPTY until a ProducerIdsRecord; ProvenanceNode's ISO time in UTC.
    assert_eq!(
        stdout(&mut cluster, "cat /image/producerIds/nextProducerId"),
        "-1\n"
    );
    let provenance = stdout(&mut cluster, "cat /image/provenance");
    assert!(provenance.starts_with("offset "), "{provenance}");
    assert!(provenance.ends_with("Z[UTC]\n"), "{provenance}");
}

#[test]
fn tree_and_find_walk_a_subtree() {
    let mut cluster = cluster();
    // MetadataNode.print through ShellNodePrinter: `name:` then children two spaces deeper.
    assert_eq!(
        stdout(&mut cluster, "tree /image/configs"),
        "BROKER:\n  log.retention.ms:\n    5000\nTOPIC:orders:\n  retention.ms:\n    1000\n"
    );
    assert_eq!(
        stdout(&mut cluster, "tree /image/producerIds"),
        "nextProducerId:\n  -1\n"
    );
    // FindCommandHandler: the path as given, then every descendant, sorted.
    assert_eq!(
        stdout(&mut cluster, "find /image/topics/byName"),
        "/image/topics/byName\n/image/topics/byName/orders\n/image/topics/byName/orders/0\n\
         /image/topics/byName/orders/1\n/image/topics/byName/orders/id\n\
         /image/topics/byName/orders/name\n"
    );
    // GlobVisitor: `*` within a component.
    assert_eq!(
        stdout(&mut cluster, "cat /image/topics/byName/*/name"),
        "orders\n"
    );
}

#[test]
fn every_voter_s_copy_replays_to_the_same_image() {
    let mut cluster = cluster();
    let first = stdout(&mut cluster, "tree /image/topics");
    for broker in 2..=3 {
        let path = LOG.replace("broker-1", &format!("broker-{broker}"));
        let output = run_script(
            &mut cluster,
            &format!("kafka-metadata-shell.sh -s {path} tree /image/topics"),
        );
        assert_eq!(output.stdout(), first);
    }
    // A deleted topic leaves the image (RemoveTopicRecord): byName lists nothing.
    run_script(
        &mut cluster,
        "kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic orders\ntime advance 1s",
    );
    assert_eq!(stdout(&mut cluster, "ls /image/topics/byName"), "");
}

#[test]
fn bad_paths_and_commands_get_kafkas_messages_on_stdout() {
    let mut cluster = cluster();
    let cases = [
        ("ls /nope", "ls: /nope: no such file or directory.\n"),
        (
            "cat /image/topics/byName/missing",
            "cat: /image/topics/byName/missing: No such file or directory.\n",
        ),
        ("cat /image/topics", "cat: /image/topics: Is a directory\n"),
        ("tree /x", "tree: /x: No such file or directory.\n"),
        ("find /x", "find: /x: no such file or directory.\n"),
        // Commands(false) leaves out the shell-only commands (pwd, help, cd, man, ...).
        (
            "pwd",
            "invalid choice: 'pwd' (choose from 'cat', 'find', 'ls', 'tree')\n",
        ),
        (
            "help",
            "invalid choice: 'help' (choose from 'cat', 'find', 'ls', 'tree')\n",
        ),
        ("l", "invalid choice: 'l': did you mean 'ls'?\n"),
        ("cat", "too few arguments\n"),
        // After `--` the words reach the command's own parser.
        ("-- ls -l", "unrecognized arguments: '-l'\n"),
    ];
    for (command, expected) in cases {
        // ErroneousCommandHandler and the handlers print on stdout; the tool exits 0.
        assert_eq!(stdout(&mut cluster, command), expected, "{command}");
    }
}

#[test]
fn bad_options_and_missing_files_fail_as_kafka_does() {
    let mut cluster = cluster();
    let usage = "usage: kafka-metadata-shell [-h] --snapshot SNAPSHOT [command [command ...]]\n";
    // MetadataShell.main: argparse4j's parseArgsOrFail.
    let missing = run_script(&mut cluster, "kafka-metadata-shell.sh ls /");
    assert!(missing.failed);
    assert_eq!(
        missing.stderr(),
        format!("{usage}kafka-metadata-shell: error: argument --snapshot/-s is required\n")
    );
    let unknown = run_script(
        &mut cluster,
        &format!("kafka-metadata-shell.sh --files {LOG} ls"),
    );
    assert!(unknown.failed);
    assert_eq!(
        unknown.stderr(),
        format!("{usage}kafka-metadata-shell: error: unrecognized arguments: '--files'\n")
    );
    // The main parser reads every word: `ls -l` fails before any command runs.
    let flag = run_script(
        &mut cluster,
        &format!("kafka-metadata-shell.sh -s {LOG} ls -l"),
    );
    assert!(flag.failed);
    assert_eq!(
        flag.stderr(),
        format!("{usage}kafka-metadata-shell: error: unrecognized arguments: '-l'\n")
    );
    let help = run_script(&mut cluster, "kafka-metadata-shell.sh --help");
    assert!(!help.failed);
    assert!(help.stdout().starts_with(usage));
    // SnapshotFileReader.startup: FileRecords.open's exception, rethrown by future.get().
    let absent = run_script(
        &mut cluster,
        "kafka-metadata-shell.sh -s /tmp/nothing.log ls",
    );
    assert!(absent.failed);
    assert!(absent
        .stderr()
        .starts_with("Unexpected error: java.nio.file.NoSuchFileException: /tmp/nothing.log\n"));
    // A file that is not a metadata log never panics.
    let other = run_script(
        &mut cluster,
        "kafka-metadata-shell.sh -s /tmp/kraft-combined-logs/broker-1/meta.properties ls",
    );
    assert!(other.failed);
}

#[test]
fn a_fenced_broker_and_a_shrunk_isr_show_in_the_image() {
    let mut cluster = cluster();
    let setup = run_script(&mut cluster, "broker kill 3\ntime advance 20s");
    assert!(!setup.failed, "{setup:?}");
    // BrokerRegistrationChangeRecord (or FenceBrokerRecord) replayed: BrokerRegistration.fenced.
    let broker = stdout(&mut cluster, "cat /image/cluster/brokers/3");
    assert!(broker.contains(", fenced=true,"), "{broker}");
    // PartitionChangeRecord: 3 left the ISR, the partition epoch moved on.
    let partition = stdout(&mut cluster, "cat /image/topics/byName/orders/0");
    assert!(partition.contains(", isr=[1, 2], "), "{partition}");
    assert!(!partition.ends_with("partitionEpoch=0)\n"), "{partition}");
}
