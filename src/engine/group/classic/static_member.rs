//! Static membership (KIP-345): a member with a `group.instance.id` keeps its place in the group
//! across restarts. It joins without the `MEMBER_ID_REQUIRED` round trip; coming back (with a
//! new member id) while the group is `Stable` it takes over its old member's place and
//! assignment without a rebalance (`updateStaticMemberThenRebalanceOrCompleteJoin`), and the old
//! member id is fenced (`FENCED_INSTANCE_ID`). It sends no LeaveGroup when it closes; only its
//! session timeout (or an admin removal) takes it out.

use super::{ClassicGroup, ClassicMember, ClassicState};
use crate::engine::error::ErrorCode;
use crate::engine::group::effects::Effects;
use crate::engine::group::protocol::{
    GroupResponse, JoinGroupRequest, JoinGroupResponse, SyncGroupResponse,
};

impl ClassicGroup {
    /// JoinGroup with an instance id and no member id (`classicGroupJoinNewStaticMember`).
    pub fn join_new_static_member(
        &mut self,
        request_id: u64,
        request: &JoinGroupRequest,
        new_member_id: String,
        now: i64,
    ) -> Effects {
        let instance = request.group_instance_id.clone().unwrap_or_default();
        match self.static_members.get(&instance).cloned() {
            Some(old_member_id) => {
                self.replace_static_member(request_id, request, &old_member_id, new_member_id, now)
            }
            None => {
                let mut member = ClassicMember::from_join(request, &new_member_id);
                member.awaiting_join = Some(request_id);
                self.add_member_and_rebalance(member, now)
            }
        }
    }

    /// `updateStaticMemberThenRebalanceOrCompleteJoin`: the new member id takes the old one's
    /// place (its waiting requests are answered `FENCED_INSTANCE_ID`). In a `Stable` group whose
    /// chosen protocol stays the same, that is all: the group is written and the member gets the
    /// current generation (the leader told to skip the assignment, KIP-814). Otherwise the group
    /// rebalances.
    fn replace_static_member(
        &mut self,
        request_id: u64,
        request: &JoinGroupRequest,
        old_member_id: &str,
        new_member_id: String,
        now: i64,
    ) -> Effects {
        let mut effects = Effects::default();
        let Some(mut member) = self.members.remove(old_member_id) else {
            return effects;
        };
        if let Some(old_request) = member.awaiting_join.take() {
            effects.respond(
                old_request,
                GroupResponse::JoinGroup(JoinGroupResponse::error(
                    ErrorCode::FencedInstanceId,
                    old_member_id,
                )),
            );
        }
        if let Some(old_request) = member.awaiting_sync.take() {
            effects.respond(
                old_request,
                GroupResponse::SyncGroup(SyncGroupResponse::error(ErrorCode::FencedInstanceId)),
            );
        }
        if self.pending_sync.remove(old_member_id) {
            self.pending_sync.insert(new_member_id.clone());
        }
        if self.leader_id.as_deref() == Some(old_member_id) {
            self.leader_id = Some(new_member_id.clone());
        }
        member.member_id = new_member_id.clone();
        member.protocols = request.protocols.clone();
        member.rebalance_timeout_ms = request.rebalance_timeout_ms;
        member.session_timeout_ms = request.session_timeout_ms;
        member.client_id = request.client_id.clone();
        member.session_deadline_ms = now + i64::from(request.session_timeout_ms);
        member.awaiting_join = Some(request_id);
        if let Some(instance) = &request.group_instance_id {
            self.static_members
                .insert(instance.clone(), new_member_id.clone());
        }
        self.members.insert(new_member_id.clone(), member);
        match self.state {
            ClassicState::Stable if self.select_protocol() == self.protocol_name => {
                let mut response = self.join_response(&new_member_id);
                if let GroupResponse::JoinGroup(join) = &mut response {
                    join.skip_assignment =
                        self.leader_id.as_deref() == Some(new_member_id.as_str());
                }
                if let Some(member) = self.members.get_mut(&new_member_id) {
                    member.awaiting_join = None;
                }
                effects.write(
                    vec![self.metadata_record(now)],
                    vec![(request_id, response)],
                );
            }
            ClassicState::Stable | ClassicState::CompletingRebalance => {
                effects.extend(self.prepare_rebalance(now))
            }
            ClassicState::PreparingRebalance => effects.extend(self.maybe_complete_join_phase(now)),
            ClassicState::Empty | ClassicState::Dead => {}
        }
        effects
    }
}
