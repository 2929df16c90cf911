//! Static members of a consumer group (`group.instance.id`: KIP-345, and KIP-848's own rules):
//! a member that leaves with epoch -2 keeps its place and partitions until its session times
//! out, and a new member with the same instance id takes that place over — the old one's
//! partitions come back to it without a rebalance (`getOrMaybeSubscribeStaticConsumerGroupMember`,
//! `consumerGroupStaticMemberGroupLeave`). A member still using the instance id keeps it:
//! another joining with it is refused `UNRELEASED_INSTANCE_ID`. A classic member (online
//! migration) takes the place over at once, as KIP-345 lets it.

use super::{ConsumerGroup, MemberState};
use crate::engine::error::ErrorCode;

/// `LEAVE_GROUP_STATIC_MEMBER_EPOCH`: a static member gone for now.
pub const LEAVE_GROUP_STATIC_MEMBER_EPOCH: i32 = -2;

impl ConsumerGroup {
    /// The member that holds `group.instance.id` `instance`.
    pub(super) fn static_member_id(&self, instance: &str) -> Option<String> {
        self.members
            .values()
            .find(|m| m.instance_id.as_deref() == Some(instance))
            .map(|m| m.member_id.clone())
    }

    /// A joining member (`member_id`) with `instance` takes over the member that holds it, if
    /// any: its partitions and target, at epoch 0 so it catches up with the target without a
    /// new group epoch. A consumer-protocol holder must have left (epoch -2) first.
    pub(super) fn take_over_static_place(
        &mut self,
        instance: &str,
        member_id: &str,
        classic: bool,
    ) -> Result<(), ErrorCode> {
        let Some(holder) = self.static_member_id(instance) else {
            return Ok(());
        };
        if holder == member_id {
            return Ok(());
        }
        let Some(mut member) = self.members.remove(&holder) else {
            return Ok(());
        };
        if !classic && member.member_epoch != LEAVE_GROUP_STATIC_MEMBER_EPOCH {
            self.members.insert(holder, member);
            return Err(ErrorCode::UnreleasedInstanceId);
        }
        member.member_id = member_id.to_string();
        member.member_epoch = 0;
        member.previous_member_epoch = 0;
        member.pending_revocation.clear();
        member.state = MemberState::Stable;
        self.members.insert(member_id.to_string(), member);
        if let Some(target) = self.target_assignment.remove(&holder) {
            self.target_assignment.insert(member_id.to_string(), target);
        }
        Ok(())
    }

    /// A static member leaving for now (epoch -2): it keeps its partitions, so nobody else
    /// takes them, until it comes back or its session times out.
    pub(super) fn leave_for_now(&mut self, member_id: &str) -> bool {
        match self.members.get_mut(member_id) {
            Some(member) if member.instance_id.is_some() => {
                member.member_epoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
                member.pending_revocation.clear();
                member.revocation_deadline_ms = None;
                true
            }
            _ => false,
        }
    }
}
