//! Leader elections on request (`ElectLeaders`, `kafka-leader-election.sh`) and the controller's
//! automatic leader balance (`auto.leader.rebalance.enable`, every
//! `leader.imbalance.check.interval.seconds`): both move leadership back to the preferred
//! replica (the first in the replica list) when it is in sync and alive, so leaders spread over
//! the brokers again after a failover. An unclean election elects any live replica of a
//! partition without a leader.

use crate::engine::cluster::{Cluster, PartitionInfo};
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::scheduler::Task;

/// `ElectionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectionType {
    Preferred,
    Unclean,
}

impl ElectionType {
    /// As `ElectionType.toString` prints it.
    pub fn name(self) -> &'static str {
        match self {
            ElectionType::Preferred => "PREFERRED",
            ElectionType::Unclean => "UNCLEAN",
        }
    }
}

/// One partition's answer.
pub type ElectionResult = ((String, i32), Result<(), ApiError>);

impl Cluster {
    /// `ReplicationControlManager.electLeaders`: each named partition's result; with `None`,
    /// every partition except those that need no election (`ELECTION_NOT_NEEDED` is left out).
    pub fn elect_leaders(
        &mut self,
        election: ElectionType,
        partitions: Option<Vec<(String, i32)>>,
    ) -> Vec<ElectionResult> {
        let all = partitions.is_none();
        let targets = partitions.unwrap_or_else(|| {
            self.topics()
                .flat_map(|t| t.partitions.iter().map(|p| (t.name.clone(), p.partition)))
                .collect()
        });
        let mut results = Vec::with_capacity(targets.len());
        for (topic, partition) in targets {
            let result = self.elect_leader(&topic, partition, election);
            let not_needed = matches!(&result, Err(e) if e.code == ErrorCode::ElectionNotNeeded);
            if !(all && not_needed) {
                results.push(((topic, partition), result));
            }
        }
        self.sync_replication();
        results
    }

    /// `ReplicationControlManager.electLeader` for one partition.
    fn elect_leader(
        &mut self,
        topic: &str,
        partition: i32,
        election: ElectionType,
    ) -> Result<(), ApiError> {
        if self.topic(topic).is_none() {
            return Err(ApiError::new(
                ErrorCode::UnknownTopicOrPartition,
                format!("No such topic as {topic}"),
            ));
        }
        let Some(info) = self.partition_info(topic, partition).cloned() else {
            return Err(ApiError::new(
                ErrorCode::UnknownTopicOrPartition,
                format!("No such partition as {topic}-{partition}"),
            ));
        };
        let needed = match election {
            ElectionType::Preferred => !has_preferred_leader(&info),
            ElectionType::Unclean => info.leader.is_none(),
        };
        if !needed {
            return Err(ApiError::bare(ErrorCode::ElectionNotNeeded));
        }
        let unclean = election == ElectionType::Unclean;
        if self.controller().active.is_some()
            && self.apply_election(topic, &info, unclean, "election")
            && self.partition_info(topic, partition).map(|p| p.leader) != Some(info.leader)
        {
            return Ok(());
        }
        Err(ApiError::bare(match election {
            ElectionType::Preferred => ErrorCode::PreferredLeaderNotAvailable,
            ElectionType::Unclean => ErrorCode::EligibleLeadersNotAvailable,
        }))
    }

    /// The controller's leader balance (`maybeBalancePartitionLeaders`): every partition not
    /// led by its preferred replica gets a preferred election; then again after
    /// `leader.imbalance.check.interval.seconds`.
    pub(crate) fn run_leader_balance(&mut self) {
        let settings = self.replication_settings();
        self.schedule_in(
            settings.leader_imbalance_check_interval_ms,
            Task::LeaderBalance,
        );
        if !settings.auto_leader_rebalance_enable || self.controller().active.is_none() {
            return;
        }
        let imbalanced: Vec<(String, PartitionInfo)> = self
            .topics()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|p| p.leader.is_some() && !has_preferred_leader(p))
                    .map(|p| (t.name.clone(), p.clone()))
            })
            .collect();
        for (topic, info) in imbalanced {
            self.apply_election(&topic, &info, false, "preferred leader balance");
        }
        self.sync_replication();
    }
}

/// `PartitionRegistration.hasPreferredLeader`: led by the first replica.
fn has_preferred_leader(info: &PartitionInfo) -> bool {
    info.leader.is_some() && info.leader == info.replicas.first().copied()
}
