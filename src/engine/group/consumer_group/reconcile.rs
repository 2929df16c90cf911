//! `CurrentAssignmentBuilder`: one member catching up with the target assignment. It revokes
//! first (keeping its epoch until it reports, in a heartbeat, that it no longer owns them), then
//! takes the target epoch and every target partition no other member still holds; what others
//! have not released yet comes in a later heartbeat.

use super::{ConsumerGroup, MemberState};
use crate::engine::group::assignor::TopicPartition;
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeSet;

impl ConsumerGroup {
    /// Moves `member_id` toward its target, given what it says it owns (`None`: unchanged).
    pub(super) fn reconcile(
        &mut self,
        member_id: &str,
        owned: Option<&[TopicPartition]>,
        now: i64,
    ) {
        let target_epoch = self.target_assignment_epoch;
        let target: BTreeSet<TopicPartition> = self
            .target_assignment
            .get(member_id)
            .cloned()
            .unwrap_or_default();
        let held_by_others: BTreeSet<TopicPartition> = self
            .members
            .values()
            .filter(|m| m.member_id != member_id)
            .flat_map(|m| m.assigned.iter().chain(&m.pending_revocation).cloned())
            .collect_set();
        let Some(member) = self.members.get_mut(member_id) else {
            return;
        };
        if member.state == MemberState::UnrevokedPartitions {
            let still_owned = owned.is_none_or(|owned| {
                owned
                    .iter()
                    .any(|tp| member.pending_revocation.contains(tp))
            });
            if still_owned {
                return;
            }
            member.pending_revocation.clear();
            member.revocation_deadline_ms = None;
        }
        if member.member_epoch == target_epoch && member.state == MemberState::Stable {
            return;
        }
        let revoke: BTreeSet<TopicPartition> =
            member.assigned.difference(&target).cloned().collect_set();
        if !revoke.is_empty() {
            member.assigned.retain(|tp| target.contains(tp));
            member.pending_revocation = revoke;
            member.state = MemberState::UnrevokedPartitions;
            member.revocation_deadline_ms = Some(now + i64::from(member.rebalance_timeout_ms));
            return;
        }
        if member.member_epoch != target_epoch {
            member.previous_member_epoch = member.member_epoch;
            member.member_epoch = target_epoch;
        }
        let mut unreleased = false;
        for tp in &target {
            if held_by_others.contains(tp) {
                unreleased = true;
            } else {
                member.assigned.insert(tp.clone());
            }
        }
        member.state = if unreleased {
            MemberState::UnreleasedPartitions
        } else {
            MemberState::Stable
        };
    }
}
