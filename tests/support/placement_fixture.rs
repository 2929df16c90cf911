//! The replica placement golden shared by the native test (tests/placement.rs) and the browser
//! test (tests/browser/main.rs): one script and the `--describe` text it must print, the same in
//! wasm as natively. The placements are the ones Kafka's placer code gives on the JDK's `Random`
//! from seed 0's placer seed.
#![allow(dead_code)]

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::{Cluster, ClusterOptions};

pub const SCRIPT: &str = "kafka-topics.sh --create --topic orders --partitions 2\n\
     kafka-topics.sh --alter --topic orders --partitions 5\n\
     kafka-topics.sh --create --topic audit --partitions 3 --replication-factor 2\n\
     kafka-topics.sh --describe\n";

pub const EXPECTED: &str = "Created topic orders.\n\
     Created topic audit.\n\
     Topic: audit\tTopicId: u6WtSh-ETlm_74N12evKyg\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: \n\
     \tTopic: audit\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: \n\
     \tTopic: audit\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2,3\tElr: \tLastKnownElr: \n\
     \tTopic: audit\tPartition: 2\tLeader: 3\tReplicas: 3,1\tIsr: 3,1\tElr: \tLastKnownElr: \n\
     Topic: orders\tTopicId: Gl-EnUkzRuCqpZTxJi0tLA\tPartitionCount: 5\tReplicationFactor: 1\tConfigs: \n\
     \tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n\
     \tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2\tIsr: 2\tElr: \tLastKnownElr: \n\
     \tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n\
     \tTopic: orders\tPartition: 3\tLeader: 2\tReplicas: 2\tIsr: 2\tElr: \tLastKnownElr: \n\
     \tTopic: orders\tPartition: 4\tLeader: 3\tReplicas: 3\tIsr: 3\tElr: \tLastKnownElr: \n";

/// [`SCRIPT`] on a new default cluster.
pub fn run() -> Output {
    run_script(&mut Cluster::new(ClusterOptions::default()), SCRIPT)
}
