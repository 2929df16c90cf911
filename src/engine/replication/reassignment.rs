//! Partition reassignment (KIP-455) as Kafka 4.1's KRaft controller runs it
//! (`ReplicationControlManager.alterPartitionReassignments` and `listPartitionReassignments`,
//! `PartitionReassignmentReplicas`, `PartitionReassignmentRevert`, and
//! `PartitionChangeBuilder.completeReassignmentIfNeeded`):
//!
//! - **Start**: the replica list becomes the target followed by the current replicas not in it;
//!   `adding` = target − current, `removing` = current − target. The ISR and the leader stay. The
//!   adding replicas create an empty log and fetch from the leader like any follower (a follower
//!   fetches because it is in the replica list).
//! - **Completion**: once every adding replica is in the ISR (the leader's `AlterPartition`), the
//!   replicas become the target, the ISR loses the removed replicas, and a leader being removed
//!   hands over to the first target replica in the ISR. The leader epoch is bumped whenever a
//!   replica leaves the list (`triggerLeaderEpochBumpForReplicaReassignmentIfNeeded`), which fences
//!   the removed replicas; they stop and delete their log (the KRaft broker's `deleted` local change,
//!   `ReplicaManager.applyDelta` → `stopPartitions(delete = true)`).
//! - **Cancel**: the adding replicas go, the removing ones stay (`PartitionReassignmentRevert`).
//!
//! Every change goes through [`Cluster::apply_partition_change`], one place that writes what a
//! `PartitionChangeRecord` would carry.

use super::partition_change::{self, ChangeRequest, Election};
use crate::engine::cluster::{roll_jitter, Cluster, PartitionInfo};
use crate::engine::config::TopicConfigs;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::event::EventKind;
use crate::engine::log::partition_dir;

/// A reassignment in progress (`ListPartitionReassignmentsResponse`'s
/// `OngoingPartitionReassignment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OngoingReassignment {
    pub topic: String,
    pub partition: i32,
    pub replicas: Vec<i32>,
    pub adding: Vec<i32>,
    pub removing: Vec<i32>,
}

/// What one `PartitionChangeRecord` sets: the partition's state after the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionChange {
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub leader: Option<i32>,
    pub elr: Vec<i32>,
    pub last_known_elr: Vec<i32>,
    pub adding: Vec<i32>,
    pub removing: Vec<i32>,
    pub election: Election,
}

/// `PartitionReassignmentReplicas(current, target)`: (replicas, adding, removing).
pub fn reassignment_replicas(current: &[i32], target: &[i32]) -> (Vec<i32>, Vec<i32>, Vec<i32>) {
    let mut replicas = target.to_vec();
    replicas.extend(current.iter().filter(|r| !target.contains(r)));
    let adding = target
        .iter()
        .copied()
        .filter(|r| !current.contains(r))
        .collect();
    let removing = current
        .iter()
        .copied()
        .filter(|r| !target.contains(r))
        .collect();
    (replicas, adding, removing)
}

/// `PartitionReassignmentReplicas.maybeCompleteReassignment`: the replicas and ISR after the
/// reassignment, if `target_isr` holds every adding replica and something is left of both.
pub fn maybe_complete(info: &PartitionInfo, target_isr: &[i32]) -> Option<(Vec<i32>, Vec<i32>)> {
    if info.adding_replicas.is_empty() && info.removing_replicas.is_empty() {
        return None;
    }
    let kept = |r: &&i32| !info.removing_replicas.contains(r);
    let isr: Vec<i32> = target_isr.iter().filter(kept).copied().collect();
    let replicas: Vec<i32> = info.replicas.iter().filter(kept).copied().collect();
    if replicas.is_empty() || isr.is_empty() {
        return None;
    }
    if !info.adding_replicas.iter().all(|r| isr.contains(r)) {
        return None;
    }
    Some((replicas, isr))
}

/// `PartitionReassignmentRevert`: the replicas and ISR without the adding replicas, and whether
/// only an unclean election can give it a leader (every ISR member was being added).
pub fn revert(info: &PartitionInfo) -> (Vec<i32>, Vec<i32>, bool) {
    let kept = |r: &&i32| !info.adding_replicas.contains(r);
    let replicas: Vec<i32> = info.replicas.iter().filter(kept).copied().collect();
    let isr: Vec<i32> = info.isr.iter().filter(kept).copied().collect();
    if isr.is_empty() {
        return (replicas.clone(), replicas, true);
    }
    (replicas, isr, false)
}

/// `isReassignmentInProgress`.
pub fn in_progress(info: &PartitionInfo) -> bool {
    !info.adding_replicas.is_empty() || !info.removing_replicas.is_empty()
}

impl Cluster {
    /// `alterPartitionReassignment` for one partition: `Some(target)` starts (or replaces) a
    /// reassignment to `target`, `None` cancels the one in progress.
    pub fn alter_partition_reassignment(
        &mut self,
        topic: &str,
        partition: i32,
        target: Option<&[i32]>,
    ) -> Result<(), ApiError> {
        if self.topic(topic).is_none() {
            return Err(ApiError::new(
                ErrorCode::UnknownTopicOrPartition,
                format!("Unable to find a topic named {topic}."),
            ));
        }
        let Some(info) = self.partition_info(topic, partition).cloned() else {
            return Err(ApiError::new(
                ErrorCode::UnknownTopicOrPartition,
                format!("Unable to find partition {topic}:{partition}."),
            ));
        };
        match target {
            Some(target) => self.change_reassignment(topic, &info, target),
            None => self.cancel_reassignment(topic, &info),
        }
    }

    /// Every reassignment in progress, by topic and partition (`listPartitionReassignments`).
    pub fn list_partition_reassignments(&self) -> Vec<OngoingReassignment> {
        self.topics()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|p| in_progress(p))
                    .map(|p| OngoingReassignment {
                        topic: t.name.clone(),
                        partition: p.partition,
                        replicas: p.replicas.clone(),
                        adding: p.adding_replicas.clone(),
                        removing: p.removing_replicas.clone(),
                    })
            })
            .collect()
    }

    /// `changePartitionReassignment`: validated as a manual assignment, then the new replica
    /// list (completed at once when nothing needs to catch up, e.g. only removals).
    fn change_reassignment(
        &mut self,
        topic: &str,
        info: &PartitionInfo,
        target: &[i32],
    ) -> Result<(), ApiError> {
        self.validate_manual_assignment(target, None)?;
        let (replicas, adding, removing) = reassignment_replicas(&info.replicas, target);
        let mut next = info.clone();
        next.replicas = replicas;
        next.adding_replicas = adding;
        next.removing_replicas = removing;
        let change = self.plan_change(topic, &next, info.isr.clone(), false);
        let action = if in_progress_change(&change) {
            "started"
        } else {
            "completed"
        };
        self.apply_partition_change(topic, info.partition, change, action);
        Ok(())
    }

    /// `cancelPartitionReassignment`.
    fn cancel_reassignment(&mut self, topic: &str, info: &PartitionInfo) -> Result<(), ApiError> {
        if !in_progress(info) {
            return Err(ApiError::bare(ErrorCode::NoReassignmentInProgress));
        }
        let (replicas, isr, unclean) = revert(info);
        let unclean_allowed = self
            .topic_configs(topic)
            .is_some_and(|c| c.unclean_leader_election_enable);
        if unclean && !unclean_allowed {
            return Err(ApiError::new(
                ErrorCode::InvalidReplicaAssignment,
                format!(
                    "Unable to revert partition assignment for {topic}:{} because it would require an unclean leader election.",
                    info.partition
                ),
            ));
        }
        let mut next = info.clone();
        next.replicas = replicas;
        next.adding_replicas.clear();
        next.removing_replicas.clear();
        // The builder runs an unclean election whenever the topic allows one.
        let change = self.plan_change(topic, &next, isr, unclean_allowed);
        self.apply_partition_change(topic, info.partition, change, "cancelled");
        Ok(())
    }

    /// After the leader's `AlterPartition` grew the ISR: the reassignment completes if every
    /// adding replica is now in sync (`completeReassignmentIfNeeded` runs in every change).
    pub(crate) fn maybe_complete_reassignment(&mut self, topic: &str, partition: i32) {
        let Some(info) = self.partition_info(topic, partition).cloned() else {
            return;
        };
        if maybe_complete(&info, &info.isr).is_none() {
            return;
        }
        let change = self.plan_change(topic, &info, info.isr.clone(), false);
        self.apply_partition_change(topic, partition, change, "completed");
    }

    /// `PartitionChangeBuilder.build` for a partition whose replica list is `next`'s: the
    /// reassignment completed if it can be, then the leader elected from the new ISR.
    fn plan_change(
        &self,
        topic: &str,
        next: &PartitionInfo,
        target_isr: Vec<i32>,
        unclean_allowed: bool,
    ) -> PartitionChange {
        let mut next = next.clone();
        let mut target_isr = target_isr;
        if let Some((replicas, isr)) = maybe_complete(&next, &target_isr) {
            next.replicas = replicas;
            next.adding_replicas.clear();
            next.removing_replicas.clear();
            target_isr = isr;
        }
        let request = ChangeRequest {
            info: &next,
            target_isr,
            min_isr: self.effective_min_isr(topic, next.replicas.len()),
            unclean_shutdown: &[],
            unclean_allowed,
            preferred: false,
        };
        let change = partition_change::build(&request, |r| self.is_acceptable_leader(r));
        PartitionChange {
            replicas: next.replicas,
            isr: change.isr,
            leader: change.leader,
            elr: change.elr,
            last_known_elr: change.last_known_elr,
            adding: next.adding_replicas,
            removing: next.removing_replicas,
            election: change.election,
        }
    }

    /// Writes one change of a partition's replicas, leader and ISR to the controller's table —
    /// what a `PartitionChangeRecord` carries — with its events; new replicas get an empty log,
    /// removed ones delete theirs. A leader change, or a replica leaving the list, bumps the
    /// leader epoch (`triggerLeaderEpochBumpForReplicaReassignmentIfNeeded`); any change bumps
    /// the partition epoch. Returns whether anything changed.
    pub(crate) fn apply_partition_change(
        &mut self,
        topic: &str,
        partition: i32,
        change: PartitionChange,
        action: &'static str,
    ) -> bool {
        let Some(info) = self
            .topics_mut()
            .get_mut(topic)
            .and_then(|t| t.partitions.iter_mut().find(|p| p.partition == partition))
        else {
            return false;
        };
        let old = info.clone();
        let leader_changed = old.leader != change.leader;
        let replica_left = old.replicas.iter().any(|r| !change.replicas.contains(r));
        info.replicas = change.replicas.clone();
        info.isr = change.isr.clone();
        info.leader = change.leader;
        info.elr = change.elr.clone();
        info.last_known_elr = change.last_known_elr.clone();
        info.adding_replicas = change.adding.clone();
        info.removing_replicas = change.removing.clone();
        if *info == old {
            return false;
        }
        if leader_changed || replica_left {
            info.leader_epoch += 1;
        }
        info.partition_epoch += 1;
        let new = info.clone();
        let added: Vec<i32> = new
            .replicas
            .iter()
            .copied()
            .filter(|r| !old.replicas.contains(r))
            .collect();
        let removed: Vec<i32> = old
            .replicas
            .iter()
            .copied()
            .filter(|r| !new.replicas.contains(r))
            .collect();
        self.emit_partition_change(topic, &old, &new, change.election, action);
        self.create_replica_logs(topic, partition, &added);
        self.delete_replica_logs(topic, partition, &removed);
        self.sync_replication();
        true
    }

    /// The trace of one change: the reassignment step, then leader, ISR and ELR as the
    /// controller's own changes report them.
    fn emit_partition_change(
        &mut self,
        topic: &str,
        old: &PartitionInfo,
        new: &PartitionInfo,
        election: Election,
        action: &'static str,
    ) {
        let partition = new.partition;
        self.emit(EventKind::ReassignmentChanged {
            topic: topic.to_string(),
            partition,
            action,
            replicas: new.replicas.clone(),
            adding: new.adding_replicas.clone(),
            removing: new.removing_replicas.clone(),
        });
        if new.leader_epoch != old.leader_epoch {
            self.emit(EventKind::LeaderChanged {
                topic: topic.to_string(),
                partition,
                old_leader: old.leader,
                new_leader: new.leader,
                leader_epoch: new.leader_epoch,
                unclean: election == Election::Unclean,
            });
        }
        if old.isr != new.isr {
            self.emit(EventKind::IsrChanged {
                topic: topic.to_string(),
                partition,
                old_isr: old.isr.clone(),
                new_isr: new.isr.clone(),
                reason: "reassignment",
            });
        }
        if old.elr != new.elr || old.last_known_elr != new.last_known_elr {
            self.emit(EventKind::ElrChanged {
                topic: topic.to_string(),
                partition,
                old_elr: old.elr.clone(),
                new_elr: new.elr.clone(),
                last_known_elr: new.last_known_elr.clone(),
            });
        }
    }

    /// A replica new to the partition creates its empty log (`ReplicaManager.applyDelta` →
    /// `getOrCreatePartition`), resolved over its broker's config layers.
    fn create_replica_logs(&mut self, topic: &str, partition: i32, brokers: &[i32]) {
        let Some((id, overrides)) = self.topic(topic).map(|t| (t.id, t.configs.clone())) else {
            return;
        };
        let now = self.now().as_millis();
        for &broker in brokers {
            if self
                .broker(broker)
                .is_none_or(|b| b.log(topic, partition).is_some())
            {
                continue;
            }
            let Ok(config) = TopicConfigs::resolve(&self.broker_config_store(broker), &overrides)
            else {
                continue;
            };
            let jitter = roll_jitter(self.rng(), &config);
            if let Some(node) = self.broker_mut(broker) {
                node.create_log(topic, id, partition, config, jitter, now);
            }
        }
    }

    /// A replica no longer assigned stops and deletes its log directory
    /// (`stopPartitions(delete = true)`; as with topic deletion, at once rather than after
    /// `file.delete.delay.ms`).
    fn delete_replica_logs(&mut self, topic: &str, partition: i32, brokers: &[i32]) {
        for &broker in brokers {
            if let Some(node) = self.broker_mut(broker) {
                node.remove_log(topic, partition);
                crate::engine::cleaner::remove_from_checkpoint(node, topic, partition);
                node.store.delete_dir(&partition_dir(topic, partition));
                node.replica.led.remove(topic, partition);
            }
        }
    }
}

/// Whether a planned change leaves a reassignment running.
fn in_progress_change(change: &PartitionChange) -> bool {
    !change.adding.is_empty() || !change.removing.is_empty()
}

#[cfg(test)]
mod tests {
    //! After Kafka's `PartitionReassignmentReplicasTest` and `PartitionReassignmentRevertTest`.
    use super::*;

    #[test]
    fn replicas_are_the_target_then_the_current_ones_not_in_it() {
        // testRemovalAndAdditionReassignment
        let (replicas, adding, removing) = reassignment_replicas(&[0, 1, 2], &[3, 2, 1]);
        assert_eq!(replicas, vec![3, 2, 1, 0]);
        assert_eq!(adding, vec![3]);
        assert_eq!(removing, vec![0]);
        // testNoneAddedOrRemoved
        let (replicas, adding, removing) = reassignment_replicas(&[3, 2, 1], &[3, 2, 1]);
        assert_eq!(
            (replicas, adding, removing),
            (vec![3, 2, 1], vec![], vec![])
        );
    }

    #[test]
    fn completion_waits_for_every_adding_replica() {
        let mut info = PartitionInfo::new(0, vec![0, 1, 2]);
        info.replicas = vec![3, 2, 1, 0];
        info.adding_replicas = vec![3];
        info.removing_replicas = vec![0];
        info.isr = vec![0, 1, 2];
        // testIsReassignmentInProgress / testDoesNotCompleteReassignmentIfIsrDoesNotHaveAllTargetReplicas
        assert!(in_progress(&info));
        assert_eq!(maybe_complete(&info, &[0, 1, 2]), None);
        // testDoesCompleteReassignmentAllNewReplicas (the removing replicas leave the ISR)
        assert_eq!(
            maybe_complete(&info, &[0, 1, 2, 3]),
            Some((vec![3, 2, 1], vec![1, 2, 3]))
        );
        // Only removals complete at once.
        let mut removal = PartitionInfo::new(0, vec![0, 1, 2]);
        removal.removing_replicas = vec![2];
        assert_eq!(
            maybe_complete(&removal, &[0, 1, 2]),
            Some((vec![0, 1], vec![0, 1]))
        );
    }

    #[test]
    fn revert_drops_the_adding_replicas_and_keeps_the_order() {
        // testSomeAdding / testIsrSpecialCase
        let mut info = PartitionInfo::new(0, vec![3, 2, 1, 0]);
        info.adding_replicas = vec![3];
        info.removing_replicas = vec![0];
        info.isr = vec![2, 3];
        assert_eq!(revert(&info), (vec![2, 1, 0], vec![2], false));
        info.isr = vec![3];
        assert_eq!(revert(&info), (vec![2, 1, 0], vec![2, 1, 0], true));
    }
}
