//! The sync phase, heartbeats and leaving (`classicGroupSync`, `classicGroupHeartbeat`,
//! `classicGroupLeave`, the pending-sync timer), and the checks an offset commit from a member
//! passes (`ClassicGroup.validateOffsetCommit`).

use super::{ClassicGroup, ClassicState};
use crate::engine::error::ErrorCode;
use crate::engine::group::effects::Effects;
use crate::engine::group::protocol::{
    GroupResponse, HeartbeatRequest, LeaveGroupRequest, SyncGroupRequest, SyncGroupResponse,
};

impl ClassicGroup {
    /// `validateMember` and the generation check shared by SyncGroup and Heartbeat.
    fn validate_member(
        &self,
        member_id: &str,
        instance_id: Option<&str>,
        generation_id: i32,
    ) -> Result<(), ErrorCode> {
        if self.is(ClassicState::Dead) {
            return Err(ErrorCode::CoordinatorNotAvailable);
        }
        // `validateStaticMember`: the instance id must map to this member id.
        if let Some(instance) = instance_id {
            match self.static_members.get(instance) {
                None => return Err(ErrorCode::UnknownMemberId),
                Some(known) if known != member_id => return Err(ErrorCode::FencedInstanceId),
                Some(_) => {}
            }
        }
        if !self.members.contains_key(member_id) {
            return Err(ErrorCode::UnknownMemberId);
        }
        if generation_id != self.generation_id {
            return Err(ErrorCode::IllegalGeneration);
        }
        Ok(())
    }

    /// SyncGroup: followers wait for the leader; the leader's assignment is written with the
    /// group and then handed to every member; the group is `Stable`.
    pub fn sync(&mut self, request_id: u64, request: &SyncGroupRequest, now: i64) -> Effects {
        let mut effects = Effects::default();
        let reject = |effects: &mut Effects, error| {
            effects.respond(
                request_id,
                GroupResponse::SyncGroup(SyncGroupResponse::error(error)),
            );
        };
        if let Err(error) = self.validate_member(
            &request.member_id,
            request.group_instance_id.as_deref(),
            request.generation_id,
        ) {
            reject(&mut effects, error);
            return effects;
        }
        let mismatch =
            |ours: &Option<String>, theirs: &Option<String>| theirs.is_some() && ours != theirs;
        if mismatch(&self.protocol_type, &request.protocol_type)
            || mismatch(&self.protocol_name, &request.protocol_name)
        {
            reject(&mut effects, ErrorCode::InconsistentGroupProtocol);
            return effects;
        }
        match self.state {
            ClassicState::Empty | ClassicState::Dead => {
                reject(&mut effects, ErrorCode::UnknownMemberId)
            }
            ClassicState::PreparingRebalance => {
                reject(&mut effects, ErrorCode::RebalanceInProgress)
            }
            ClassicState::Stable => {
                self.member_synced(&request.member_id);
                effects.respond(request_id, self.sync_response(&request.member_id));
            }
            ClassicState::CompletingRebalance => {
                if let Some(member) = self.members.get_mut(&request.member_id) {
                    member.awaiting_sync = Some(request_id);
                }
                self.member_synced(&request.member_id);
                if self.leader_id.as_deref() == Some(request.member_id.as_str()) {
                    effects.extend(self.apply_leader_assignment(request, now));
                }
            }
        }
        effects
    }

    /// The leader's assignment: every member gets its part (an empty one if the leader left it
    /// out), the group is written and becomes `Stable`, and the waiting syncs are answered once
    /// the write is replicated.
    fn apply_leader_assignment(&mut self, request: &SyncGroupRequest, now: i64) -> Effects {
        let mut effects = Effects::default();
        for member in self.members.values_mut() {
            member.assignment = request
                .assignments
                .iter()
                .find(|(id, _)| *id == member.member_id)
                .map(|(_, bytes)| bytes.clone())
                .unwrap_or_default();
        }
        self.transition(ClassicState::Stable, now);
        let record = self.metadata_record(now);
        let ids: Vec<String> = self.members.keys().cloned().collect();
        let mut then = Vec::new();
        for id in ids {
            let response = self.sync_response(&id);
            if let Some(request_id) = self
                .members
                .get_mut(&id)
                .and_then(|m| m.awaiting_sync.take())
            {
                then.push((request_id, response));
            }
        }
        effects.write(vec![record], then);
        effects
    }

    fn sync_response(&self, member_id: &str) -> GroupResponse {
        GroupResponse::SyncGroup(SyncGroupResponse {
            error: ErrorCode::None,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol_name.clone(),
            assignment: self
                .members
                .get(member_id)
                .map(|m| m.assignment.clone())
                .unwrap_or_default(),
        })
    }

    fn member_synced(&mut self, member_id: &str) {
        self.pending_sync.remove(member_id);
        if self.pending_sync.is_empty() {
            self.sync_deadline_ms = None;
        }
    }

    /// `resetAndPropagateAssignmentWithError`: every member waiting for its assignment is
    /// answered with `error` and the assignments are dropped.
    pub(super) fn reset_and_propagate_assignment_error(&mut self, error: ErrorCode) -> Effects {
        let mut effects = Effects::default();
        for member in self.members.values_mut() {
            member.assignment.clear();
            if let Some(request_id) = member.awaiting_sync.take() {
                effects.respond(
                    request_id,
                    GroupResponse::SyncGroup(SyncGroupResponse::error(error)),
                );
            }
        }
        effects
    }

    /// The pending-sync timer (`expirePendingSync`): members of the new generation that did not
    /// sync within the rebalance timeout are removed and the group rebalances.
    pub(super) fn on_sync_deadline(&mut self, now: i64) -> Effects {
        if !matches!(
            self.state,
            ClassicState::CompletingRebalance | ClassicState::Stable
        ) || self.pending_sync.is_empty()
        {
            return Effects::default();
        }
        let late: Vec<String> = std::mem::take(&mut self.pending_sync).into_iter().collect();
        let mut effects = Effects::default();
        for id in late {
            if let Some(member) = self.remove_member(&id) {
                if let Some(request_id) = member.awaiting_sync {
                    effects.respond(
                        request_id,
                        GroupResponse::SyncGroup(SyncGroupResponse::error(
                            ErrorCode::UnknownMemberId,
                        )),
                    );
                }
            }
        }
        effects.extend(self.prepare_rebalance(now));
        effects
    }

    /// The coordinator is going away (it lost the partition, or its broker stopped): every
    /// JoinGroup and SyncGroup still waiting is answered with `error` (`NOT_COORDINATOR`, as
    /// the runtime fails a resigning shard's pending operations).
    pub fn abandon_waiting(&mut self, error: ErrorCode) -> Effects {
        let mut effects = Effects::default();
        for member in self.members.values_mut() {
            if let Some(request_id) = member.awaiting_join.take() {
                effects.respond(
                    request_id,
                    GroupResponse::JoinGroup(
                        crate::engine::group::protocol::JoinGroupResponse::error(
                            error,
                            &member.member_id,
                        ),
                    ),
                );
            }
            if let Some(request_id) = member.awaiting_sync.take() {
                effects.respond(
                    request_id,
                    GroupResponse::SyncGroup(SyncGroupResponse::error(error)),
                );
            }
        }
        effects
    }

    /// Heartbeat: keeps the session alive; `REBALANCE_IN_PROGRESS` tells the member to rejoin.
    pub fn heartbeat(&mut self, request: &HeartbeatRequest, now: i64) -> ErrorCode {
        if let Err(error) = self.validate_member(
            &request.member_id,
            request.group_instance_id.as_deref(),
            request.generation_id,
        ) {
            return error;
        }
        if let Some(member) = self.members.get_mut(&request.member_id) {
            member.session_deadline_ms = now + i64::from(member.session_timeout_ms);
        }
        match self.state {
            ClassicState::PreparingRebalance => ErrorCode::RebalanceInProgress,
            ClassicState::CompletingRebalance | ClassicState::Stable => ErrorCode::None,
            ClassicState::Empty | ClassicState::Dead => ErrorCode::UnknownMemberId,
        }
    }

    /// LeaveGroup: each member goes (a pending one quietly), and the group rebalances.
    pub fn leave(
        &mut self,
        request: &LeaveGroupRequest,
        now: i64,
    ) -> (Vec<(String, ErrorCode)>, Effects) {
        let mut effects = Effects::default();
        let mut results = Vec::new();
        for (member_id, _, _) in &request.members {
            if self.pending_members.remove(member_id).is_some() {
                results.push((member_id.clone(), ErrorCode::None));
                effects.extend(self.maybe_complete_join_phase(now));
            } else if self.members.contains_key(member_id) {
                results.push((member_id.clone(), ErrorCode::None));
                effects.extend(self.remove_member_and_update(member_id, now));
            } else {
                results.push((member_id.clone(), ErrorCode::UnknownMemberId));
            }
        }
        (results, effects)
    }

    /// `validateOffsetCommit`: a commit from outside the group (generation < 0) only while it
    /// is empty; from a member, only with its generation and not while the assignment is being
    /// decided.
    pub fn validate_offset_commit(
        &self,
        member_id: &str,
        instance_id: Option<&str>,
        generation_id: i32,
    ) -> Result<(), ErrorCode> {
        if self.is(ClassicState::Dead) {
            return Err(ErrorCode::CoordinatorNotAvailable);
        }
        if generation_id < 0 && member_id.is_empty() && instance_id.is_none() {
            return if self.is(ClassicState::Empty) {
                Ok(())
            } else {
                Err(ErrorCode::UnknownMemberId)
            };
        }
        self.validate_member(member_id, instance_id, generation_id)?;
        if self.is(ClassicState::CompletingRebalance) {
            return Err(ErrorCode::RebalanceInProgress);
        }
        Ok(())
    }
}
