//! The join phase of a classic group (`GroupMetadataManager.classicGroupJoin` and what it
//! calls): new members get an id with `MEMBER_ID_REQUIRED` and rejoin; a member joining or
//! changing its metadata starts a rebalance; the phase ends when every known member has rejoined
//! or the rebalance timeout runs out (the first rebalance of an empty group waits
//! `group.initial.rebalance.delay.ms`, longer while members keep arriving), and the new
//! generation's leader gets every member's subscription.

use super::{ClassicGroup, ClassicMember, ClassicState};
use crate::engine::error::ErrorCode;
use crate::engine::group::assignor::java_hash_map_order;
use crate::engine::group::effects::Effects;
use crate::engine::group::protocol::{
    GroupResponse, JoinGroupRequest, JoinGroupResponse, JoinedMember, SyncGroupResponse,
};

impl ClassicGroup {
    /// Whether a member with `protocol_type` and `protocols` fits the group
    /// (`ClassicGroup.supportsProtocols`): anything non-empty fits an empty group; otherwise the
    /// type must match and one protocol must be supported by every member.
    pub fn supports_protocols(&self, protocol_type: &str, protocols: &[(String, Vec<u8>)]) -> bool {
        if protocol_type.is_empty() || protocols.is_empty() {
            return false;
        }
        if self.is(ClassicState::Empty) {
            return true;
        }
        self.protocol_type.as_deref() == Some(protocol_type)
            && protocols
                .iter()
                .any(|(name, _)| self.members.values().all(|m| m.metadata_supports(name)))
    }

    /// JoinGroup from a member with an id (`classicGroupJoinExistingMember`), or from a
    /// pending member coming back with the id it was given.
    pub fn join_existing(
        &mut self,
        request_id: u64,
        request: &JoinGroupRequest,
        now: i64,
    ) -> Effects {
        let mut effects = Effects::default();
        let member_id = request.member_id.as_str();
        let reject = |effects: &mut Effects, error| {
            effects.respond(
                request_id,
                GroupResponse::JoinGroup(JoinGroupResponse::error(error, member_id)),
            );
        };
        if self.is(ClassicState::Dead) {
            reject(&mut effects, ErrorCode::CoordinatorNotAvailable);
            return effects;
        }
        if !self.supports_protocols(&request.protocol_type, &request.protocols) {
            reject(&mut effects, ErrorCode::InconsistentGroupProtocol);
            return effects;
        }
        if let Some(instance) = &request.group_instance_id {
            if self
                .static_members
                .get(instance)
                .is_some_and(|known| known != member_id)
            {
                reject(&mut effects, ErrorCode::FencedInstanceId);
                return effects;
            }
        }
        if self.pending_members.remove(member_id).is_some() {
            let mut member = ClassicMember::from_join(request, member_id);
            member.awaiting_join = Some(request_id);
            return self.add_member_and_rebalance(member, now);
        }
        let Some(member) = self.members.get(member_id) else {
            reject(&mut effects, ErrorCode::UnknownMemberId);
            return effects;
        };
        let same_metadata = member.protocols == request.protocols;
        let is_leader = self.leader_id.as_deref() == Some(member_id);
        match self.state {
            ClassicState::PreparingRebalance => {
                self.update_member_and_rebalance(request_id, request, now)
            }
            ClassicState::CompletingRebalance if same_metadata => {
                effects.respond(request_id, self.join_response(member_id));
                effects
            }
            ClassicState::Stable if same_metadata && !is_leader => {
                effects.respond(request_id, self.join_response(member_id));
                effects
            }
            ClassicState::CompletingRebalance | ClassicState::Stable => {
                self.update_member_and_rebalance(request_id, request, now)
            }
            ClassicState::Empty | ClassicState::Dead => {
                reject(&mut effects, ErrorCode::UnknownMemberId);
                effects
            }
        }
    }

    /// A new dynamic member is told its id (`MEMBER_ID_REQUIRED`, JoinGroup v4+) and must
    /// rejoin with it within its session timeout.
    pub fn join_new_member(
        &mut self,
        request_id: u64,
        member_id: String,
        session_timeout_ms: i32,
        now: i64,
    ) -> Effects {
        let mut effects = Effects::default();
        self.pending_members
            .insert(member_id.clone(), now + i64::from(session_timeout_ms));
        effects.respond(
            request_id,
            GroupResponse::JoinGroup(JoinGroupResponse::error(
                ErrorCode::MemberIdRequired,
                &member_id,
            )),
        );
        effects
    }

    pub(super) fn add_member_and_rebalance(
        &mut self,
        mut member: ClassicMember,
        now: i64,
    ) -> Effects {
        if let Some((_, added)) = self.initial_delay.as_mut() {
            *added = true;
        }
        member.is_new = true;
        member.session_deadline_ms = now + i64::from(self.config.new_member_join_timeout_ms);
        if self.leader_id.is_none() {
            self.leader_id = Some(member.member_id.clone());
        }
        if self.protocol_type.is_none() {
            self.protocol_type = Some(member.protocol_type.clone());
        }
        if let Some(instance) = &member.group_instance_id {
            self.static_members
                .insert(instance.clone(), member.member_id.clone());
        }
        self.members.insert(member.member_id.clone(), member);
        self.maybe_prepare_rebalance_or_complete_join(now)
    }

    fn update_member_and_rebalance(
        &mut self,
        request_id: u64,
        request: &JoinGroupRequest,
        now: i64,
    ) -> Effects {
        let mut effects = Effects::default();
        if let Some(member) = self.members.get_mut(&request.member_id) {
            if let Some(previous) = member.awaiting_join.replace(request_id) {
                // A second JoinGroup replaces the first, which is answered as Kafka does when
                // a member's join future is replaced: it must rejoin.
                effects.respond(
                    previous,
                    GroupResponse::JoinGroup(JoinGroupResponse::error(
                        ErrorCode::UnknownMemberId,
                        &request.member_id,
                    )),
                );
            }
            member.protocols = request.protocols.clone();
            member.rebalance_timeout_ms = request.rebalance_timeout_ms;
            member.session_timeout_ms = request.session_timeout_ms;
        }
        effects.extend(self.maybe_prepare_rebalance_or_complete_join(now));
        effects
    }

    /// `maybePrepareRebalanceOrCompleteJoin`.
    pub(super) fn maybe_prepare_rebalance_or_complete_join(&mut self, now: i64) -> Effects {
        if matches!(
            self.state,
            ClassicState::Stable | ClassicState::CompletingRebalance | ClassicState::Empty
        ) {
            self.prepare_rebalance(now)
        } else {
            self.maybe_complete_join_phase(now)
        }
    }

    /// `prepareRebalance`: members waiting for a sync are told to rejoin; an empty group waits
    /// the initial delay, any other the rebalance timeout (or less, once all have rejoined).
    pub(super) fn prepare_rebalance(&mut self, now: i64) -> Effects {
        let mut effects = Effects::default();
        if self.is(ClassicState::CompletingRebalance) {
            effects
                .extend(self.reset_and_propagate_assignment_error(ErrorCode::RebalanceInProgress));
        }
        self.sync_deadline_ms = None;
        self.pending_sync.clear();
        let initial = self.is(ClassicState::Empty);
        self.transition(ClassicState::PreparingRebalance, now);
        if initial {
            let delay = i64::from(self.config.initial_rebalance_delay_ms);
            let remaining = (self.rebalance_timeout_ms() - delay).max(0);
            self.initial_delay = Some((remaining, false));
            self.join_deadline_ms = Some(now + delay);
            return effects;
        }
        self.initial_delay = None;
        if self.has_all_members_joined() {
            effects.extend(self.complete_join(now));
        } else {
            self.join_deadline_ms = Some(now + self.rebalance_timeout_ms());
        }
        effects
    }

    /// `maybeCompleteJoinPhase`: ends the join phase early once every member has rejoined —
    /// not during an empty group's initial delay.
    pub(super) fn maybe_complete_join_phase(&mut self, now: i64) -> Effects {
        if self.is(ClassicState::PreparingRebalance)
            && self.initial_delay.is_none()
            && self.has_all_members_joined()
        {
            self.complete_join(now)
        } else {
            Effects::default()
        }
    }

    /// The join phase's timer: the initial delay is extended while members keep arriving
    /// (`tryCompleteInitialRebalanceElseSchedule`); otherwise the phase ends now.
    pub(super) fn on_join_deadline(&mut self, now: i64) -> Effects {
        if !self.is(ClassicState::PreparingRebalance) {
            return Effects::default();
        }
        if let Some((remaining, added)) = self.initial_delay {
            if added && remaining > 0 {
                let delay = i64::from(self.config.initial_rebalance_delay_ms);
                self.initial_delay = Some(((remaining - delay).max(0), false));
                self.join_deadline_ms = Some(now + delay.min(remaining));
                return Effects::default();
            }
        }
        self.complete_join(now)
    }

    fn has_all_members_joined(&self) -> bool {
        self.pending_members.is_empty() && self.members.values().all(|m| m.awaiting_join.is_some())
    }

    /// `ClassicGroup.rebalanceTimeoutMs`: the largest of the members' rebalance timeouts.
    fn rebalance_timeout_ms(&self) -> i64 {
        self.members
            .values()
            .map(|m| i64::from(m.rebalance_timeout_ms))
            .max()
            .unwrap_or(0)
    }

    /// `completeClassicGroupJoin`: members that did not rejoin are dropped, the next generation
    /// begins, and every waiting JoinGroup is answered (the leader's with all the members).
    pub(super) fn complete_join(&mut self, now: i64) -> Effects {
        let mut effects = Effects::default();
        self.join_deadline_ms = None;
        self.initial_delay = None;
        let not_rejoined: Vec<String> = self
            .members
            .values()
            // Static members stay in the new generation with their assignment; their session
            // decides (`notYetRejoinedMembers` leaves them out of the removal).
            .filter(|m| m.awaiting_join.is_none() && m.group_instance_id.is_none())
            .map(|m| m.member_id.clone())
            .collect();
        for id in not_rejoined {
            self.remove_member(&id);
        }
        self.generation_id += 1;
        if self.members.is_empty() {
            self.protocol_name = None;
            self.transition(ClassicState::Empty, now);
            effects.write(vec![self.metadata_record(now)], Vec::new());
            return effects;
        }
        self.protocol_name = self.select_protocol();
        self.transition(ClassicState::CompletingRebalance, now);
        let ids: Vec<String> = self.members.keys().cloned().collect();
        for id in &ids {
            let response = self.join_response(id);
            if let Some(member) = self.members.get_mut(id) {
                if let Some(request_id) = member.awaiting_join.take() {
                    effects.respond(request_id, response);
                }
                member.is_new = false;
                member.session_deadline_ms = now + i64::from(member.session_timeout_ms);
            }
            self.pending_sync.insert(id.clone());
        }
        self.sync_deadline_ms = Some(now + self.rebalance_timeout_ms());
        effects
    }

    /// The JoinGroup answer of the current generation for `member_id`.
    pub(super) fn join_response(&self, member_id: &str) -> GroupResponse {
        let protocol = self.protocol_name.clone().unwrap_or_default();
        let is_leader = self.leader_id.as_deref() == Some(member_id);
        let members = if is_leader {
            self.members_in_hash_order()
                .into_iter()
                .map(|m| JoinedMember {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    metadata: m.metadata(&protocol),
                })
                .collect()
        } else {
            Vec::new()
        };
        GroupResponse::JoinGroup(JoinGroupResponse {
            error: ErrorCode::None,
            generation_id: self.generation_id,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol_name.clone(),
            leader: self.leader_id.clone().unwrap_or_default(),
            member_id: member_id.to_string(),
            members,
            skip_assignment: false,
        })
    }

    /// The members in the order Java's `HashMap` of the group walks them.
    fn members_in_hash_order(&self) -> Vec<&ClassicMember> {
        let ids: Vec<&str> = self.members.keys().map(String::as_str).collect();
        java_hash_map_order(&ids)
            .into_iter()
            .filter_map(|i| self.members.get(ids[i]))
            .collect()
    }

    /// `ClassicGroup.selectProtocol`: among the protocols every member supports, each member
    /// votes for its most preferred; the most votes win (the first in map order on a tie).
    pub(super) fn select_protocol(&self) -> Option<String> {
        let first = self.members.values().next()?;
        let candidates: Vec<&str> = first
            .protocols
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| self.members.values().all(|m| m.metadata_supports(name)))
            .collect();
        let mut votes: Vec<(&str, usize)> = Vec::new();
        for member in self.members_in_hash_order() {
            let vote = member
                .protocols
                .iter()
                .map(|(name, _)| name.as_str())
                .find(|name| candidates.contains(name))?;
            match votes.iter_mut().find(|(name, _)| *name == vote) {
                Some((_, count)) => *count += 1,
                None => votes.push((vote, 1)),
            }
        }
        let names: Vec<&str> = votes.iter().map(|(name, _)| *name).collect();
        let mut best: Option<(&str, usize)> = None;
        for i in java_hash_map_order(&names) {
            if best.is_none_or(|(_, count)| votes[i].1 > count) {
                best = Some(votes[i]);
            }
        }
        best.map(|(name, _)| name.to_string())
    }

    /// Removes a member; a leader that leaves hands over to the first member in map order.
    pub(super) fn remove_member(&mut self, member_id: &str) -> Option<ClassicMember> {
        let member = self.members.remove(member_id)?;
        self.pending_sync.remove(member_id);
        if let Some(instance) = &member.group_instance_id {
            if self.static_members.get(instance).map(String::as_str) == Some(member_id) {
                self.static_members.remove(instance);
            }
        }
        if self.leader_id.as_deref() == Some(member_id) {
            self.leader_id = self
                .members_in_hash_order()
                .first()
                .map(|m| m.member_id.clone());
        }
        Some(member)
    }

    /// `removeMemberAndUpdateClassicGroup`: a waiting JoinGroup is answered `UNKNOWN_MEMBER_ID`,
    /// the member goes, and the group rebalances.
    pub(super) fn remove_member_and_update(&mut self, member_id: &str, now: i64) -> Effects {
        let mut effects = Effects::default();
        let Some(member) = self.remove_member(member_id) else {
            return effects;
        };
        if let Some(request_id) = member.awaiting_join {
            effects.respond(
                request_id,
                GroupResponse::JoinGroup(JoinGroupResponse::error(ErrorCode::UnknownMemberId, "")),
            );
        }
        if let Some(request_id) = member.awaiting_sync {
            effects.respond(
                request_id,
                GroupResponse::SyncGroup(SyncGroupResponse::error(ErrorCode::UnknownMemberId)),
            );
        }
        effects.extend(match self.state {
            ClassicState::Stable | ClassicState::CompletingRebalance => {
                self.maybe_prepare_rebalance_or_complete_join(now)
            }
            ClassicState::PreparingRebalance => self.maybe_complete_join_phase(now),
            ClassicState::Empty | ClassicState::Dead => Effects::default(),
        });
        effects
    }
}

impl ClassicMember {
    /// Whether the member lists `protocol` among its supported ones.
    pub fn metadata_supports(&self, protocol: &str) -> bool {
        self.protocols.iter().any(|(name, _)| name == protocol)
    }
}
