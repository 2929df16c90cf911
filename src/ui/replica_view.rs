//! What the cluster view shows of partitions, computed from the engine's public state: each
//! broker's replicas (leader or follower, in the ISR or ELR, log end offset and high watermark)
//! and the cluster's offline and under-replicated partitions, as Kafka's metrics count them.

use crate::engine::Cluster;

/// One replica of a partition, as the broker hosting it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaRow {
    pub topic: String,
    pub partition: i32,
    /// The partition's leader now (`None`: `Leader: none`, the partition is offline).
    pub leader: Option<i32>,
    /// The partition's preferred leader: the first replica.
    pub preferred_leader: Option<i32>,
    pub is_leader: bool,
    pub is_preferred: bool,
    pub in_isr: bool,
    /// In the Eligible Leader Replicas (KIP-966): out of the ISR but holding every committed record.
    pub in_elr: bool,
    /// In `LastKnownElr`: the leader when the ISR became empty (Kafka 4.1 elects it again when it returns).
    pub in_last_known_elr: bool,
    /// `(log end offset, high watermark)` of this broker's copy; `None` while its broker is
    /// down (its logs are closed; the files stay).
    pub offsets: Option<(i64, i64)>,
}

/// Every replica `node_id` hosts, by topic then partition.
pub fn replicas_on(cluster: &Cluster, node_id: i32) -> Vec<ReplicaRow> {
    let broker = cluster.broker(node_id);
    cluster
        .topics()
        .flat_map(|topic| topic.partitions.iter().map(move |p| (topic, p)))
        .filter(|(_, p)| p.replicas.contains(&node_id))
        .map(|(topic, p)| ReplicaRow {
            topic: topic.name.clone(),
            partition: p.partition,
            leader: p.leader,
            preferred_leader: p.replicas.first().copied(),
            is_leader: p.leader == Some(node_id),
            is_preferred: p.replicas.first() == Some(&node_id),
            in_isr: p.isr.contains(&node_id),
            in_elr: p.elr.contains(&node_id),
            in_last_known_elr: p.last_known_elr.contains(&node_id),
            offsets: broker
                .and_then(|b| b.log(&topic.name, p.partition))
                .map(|log| (log.log_end_offset(), log.high_watermark())),
        })
        .collect()
}

/// The partitions a person must not miss, named `<topic>-<partition>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionHealth {
    /// No leader (`OfflinePartitionsCount`: the KRaft controller counts a partition whose
    /// registration has no leader, `!PartitionRegistration.hasLeader()` in
    /// `ControllerMetricsChanges.handlePartitionChange`).
    pub offline: Vec<String>,
    /// A leader with fewer in-sync replicas than replicas (`UnderReplicatedPartitions`: Kafka's
    /// `Partition.isUnderReplicated` counts it on the leader, so an offline partition is not
    /// also under-replicated).
    pub under_replicated: Vec<String>,
    /// A leader other than the preferred one (`kafka-leader-election.sh --election-type
    /// preferred` would move it back). Kafka's `PreferredReplicaImbalanceCount`
    /// (`!hasPreferredLeader()`) also counts the offline partitions; this list leaves them to
    /// `offline`.
    pub not_preferred: Vec<String>,
}

pub fn partition_health(cluster: &Cluster) -> PartitionHealth {
    let mut health = PartitionHealth::default();
    for topic in cluster.topics() {
        for p in &topic.partitions {
            let name = format!("{}-{}", topic.name, p.partition);
            match p.leader {
                None => health.offline.push(name),
                Some(leader) => {
                    if p.isr.len() < p.replicas.len() {
                        health.under_replicated.push(name.clone());
                    }
                    if p.replicas.first() != Some(&leader) {
                        health.not_preferred.push(name);
                    }
                }
            }
        }
    }
    health
}
