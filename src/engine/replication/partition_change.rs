//! The controller's rule for every change of a partition's leader and ISR, ported from Kafka
//! 4.1's `PartitionChangeBuilder` with Eligible Leader Replicas on (KIP-966; ELR is on by
//! default for new clusters from 4.1):
//!
//! 1. **ELR** (`maybePopulateTargetElr`): while the ISR is at least the effective
//!    `min.insync.replicas`, ELR and LastKnownElr are empty. Below it, the members that leave the
//!    ISR join the ELR — they have every committed record, because the high watermark cannot
//!    advance with the ISR under min ISR — except replicas that came back from an unclean
//!    shutdown, which go to LastKnownElr instead. The ISR may become empty.
//! 2. **Election** (`electAnyLeader`): the current leader stays if it is still valid; else the
//!    first replica, in replica order, that is in the ISR — or, with an empty ISR, in the ELR —
//!    and acceptable (registered and unfenced). A leader from the ELR becomes the ISR alone.
//! 3. **The last known leader** (`canElectLastKnownLeader`, `useLastKnownLeaderInBalancedRecovery`,
//!    on in 4.1's controller): LastKnownElr holds only the leader a partition had when its ISR
//!    became empty (`maybeUpdateLastKnownLeader`), and is cleared once it has a leader again. With
//!    ISR and ELR empty, that replica is elected — uncleanly — as soon as it may lead: a
//!    partition whose every replica crashed comes back with the replica that led it last, even
//!    without `unclean.leader.election.enable` (the 4.1.0 form, with KAFKA-19522's fix).
//! 4. **Unclean election** (with `unclean.leader.election.enable`): else the first acceptable
//!    replica at all; the ISR becomes that replica, the ELR is cleared, and records only the
//!    others had are lost.

use crate::engine::cluster::PartitionInfo;
use crate::engine::sorting;

/// What the controller asks of one partition.
#[derive(Debug, Clone)]
pub struct ChangeRequest<'a> {
    pub info: &'a PartitionInfo,
    /// The ISR it should have (before the election), in the order to keep.
    pub target_isr: Vec<i32>,
    /// `min(min.insync.replicas, replication factor)` (`getTopicEffectiveMinIsr`).
    pub min_isr: usize,
    /// Replicas that re-registered after an unclean shutdown: they leave the ELR.
    pub unclean_shutdown: &'a [i32],
    pub unclean_allowed: bool,
    /// `Election.PREFERRED` (`kafka-leader-election.sh`, the automatic balance): the first
    /// replica leads if it may, else the current leader stays.
    pub preferred: bool,
}

/// How the leader was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Election {
    /// The leader did not change.
    None,
    /// From the ISR.
    Clean,
    /// From the ELR (the ISR was empty): clean, since ELR members hold every committed record.
    FromElr,
    /// From outside ISR and ELR: records may be lost.
    Unclean,
}

/// The partition's new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub leader: Option<i32>,
    pub isr: Vec<i32>,
    pub elr: Vec<i32>,
    pub last_known_elr: Vec<i32>,
    pub election: Election,
}

/// `PartitionChangeBuilder.build` for the parts the playground uses. `acceptable` says whether a
/// broker may lead (`ClusterControlManager.isActive`: registered, unfenced, not shutting down).
pub fn build(request: &ChangeRequest<'_>, acceptable: impl Fn(i32) -> bool) -> Change {
    let info = request.info;
    // The ISR keeps the order it is given (a replica that rejoins comes last, as the leader's
    // AlterPartition lists it), without duplicates or non-replicas.
    let mut isr: Vec<i32> = Vec::with_capacity(request.target_isr.len());
    for &r in &request.target_isr {
        if info.replicas.contains(&r) && !isr.contains(&r) {
            isr.push(r);
        }
    }
    let mut elr = info.elr.clone();
    // maybePopulateTargetElr (its LastKnownElr set is never written with the last-known-leader
    // recovery on: `maybeUpdateRecordElr` returns before it).
    if isr.len() >= request.min_isr {
        elr.clear();
    } else {
        let mut candidates: Vec<i32> = elr.iter().chain(&info.isr).copied().collect();
        sorting::sort(&mut candidates);
        candidates.dedup();
        elr = candidates
            .into_iter()
            .filter(|r| !isr.contains(r) && !request.unclean_shutdown.contains(r))
            .collect();
    }
    // tryElection / electAnyLeader
    let valid = |r: i32, isr: &[i32], elr: &[i32]| {
        (isr.contains(&r) || (isr.is_empty() && elr.contains(&r))) && acceptable(r)
    };
    let preferred = info
        .replicas
        .first()
        .copied()
        .filter(|&r| request.preferred && valid(r, &isr, &elr));
    let mut leader = preferred.or_else(|| info.leader.filter(|&l| valid(l, &isr, &elr)));
    let mut election = if preferred.is_some() {
        Election::Clean
    } else {
        Election::None
    };
    if leader.is_none() {
        if let Some(&r) = info.replicas.iter().find(|&&r| valid(r, &isr, &elr)) {
            leader = Some(r);
            election = if elr.contains(&r) {
                isr = vec![r];
                elr.retain(|&e| e != r);
                Election::FromElr
            } else {
                Election::Clean
            };
        } else if let Some(r) = last_known_leader(info, &isr, &elr, &acceptable).or_else(|| {
            let unclean = request.unclean_allowed;
            info.replicas
                .iter()
                .copied()
                .find(|&r| unclean && acceptable(r))
        }) {
            leader = Some(r);
            isr = vec![r];
            election = Election::Unclean;
            // maybeUpdateRecordElr: an unclean election clears the ELR.
            elr.clear();
        }
    }
    if leader == info.leader {
        election = Election::None;
    }
    // maybeUpdateLastKnownLeader: the leader is remembered when the ISR becomes empty, and
    // forgotten once the partition has a leader.
    let mut last_known_elr = info.last_known_elr.clone();
    if isr.is_empty() && isr != info.isr && info.leader.is_some_and(|l| last_known_elr != [l]) {
        last_known_elr = info.leader.into_iter().collect();
    } else if leader.is_some() {
        last_known_elr.clear();
    }
    Change {
        leader,
        isr,
        elr,
        last_known_elr,
        election,
    }
}

/// `canElectLastKnownLeader`: with ISR and ELR empty, the one last known leader, if it may lead.
fn last_known_leader(
    info: &PartitionInfo,
    isr: &[i32],
    elr: &[i32],
    acceptable: impl Fn(i32) -> bool,
) -> Option<i32> {
    match info.last_known_elr.as_slice() {
        [leader] if isr.is_empty() && elr.is_empty() && acceptable(*leader) => Some(*leader),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! Cases after Kafka's `PartitionChangeBuilderTest` ELR tests.
    use super::*;

    fn partition(leader: Option<i32>, isr: &[i32], elr: &[i32]) -> PartitionInfo {
        let mut info = PartitionInfo::new(0, vec![1, 2, 3, 4]);
        info.leader = leader;
        info.isr = isr.to_vec();
        info.elr = elr.to_vec();
        info
    }

    fn change(
        info: &PartitionInfo,
        isr: &[i32],
        unclean_shutdown: &[i32],
        alive: &[i32],
        unclean: bool,
    ) -> Change {
        let request = ChangeRequest {
            info,
            target_isr: isr.to_vec(),
            min_isr: 3,
            unclean_shutdown,
            unclean_allowed: unclean,
            preferred: false,
        };
        build(&request, |r| alive.contains(&r))
    }

    #[test]
    fn isr_below_min_isr_moves_the_leavers_into_the_elr() {
        // testEligibleLeaderReplicas_IsrShrinkBelowMinISR
        let info = partition(Some(1), &[1, 2, 3, 4], &[]);
        let c = change(&info, &[1, 2], &[], &[1, 2, 3, 4], false);
        assert_eq!(
            (c.leader, c.isr.clone(), c.elr.clone()),
            (Some(1), vec![1, 2], vec![3, 4])
        );
        assert_eq!(c.election, Election::None);
        // testEligibleLeaderReplicas_IsrExpandAboveMinISR: back at min ISR, the ELR is cleared.
        let info = partition(Some(1), &[1, 2], &[3, 4]);
        let c = change(&info, &[1, 2, 3], &[], &[1, 2, 3, 4], false);
        assert_eq!((c.isr, c.elr), (vec![1, 2, 3], vec![]));
    }

    #[test]
    fn an_empty_isr_elects_from_the_elr_and_unclean_shutdowns_leave_it() {
        // testEligibleLeaderReplicas_IsrCanShrinkToZero
        let info = partition(Some(1), &[1, 2], &[3, 4]);
        let c = change(&info, &[], &[], &[], false);
        assert_eq!(
            (c.leader, c.isr.clone(), c.elr.clone()),
            (None, vec![], vec![1, 2, 3, 4])
        );
        // testEligibleLeaderReplicas_ElectFromElr: 3 comes back and leads alone.
        let info = partition(None, &[], &[1, 2, 3, 4]);
        let c = change(&info, &[], &[], &[3], false);
        assert_eq!(
            (c.leader, c.isr.clone(), c.elr.clone()),
            (Some(3), vec![3], vec![1, 2, 4])
        );
        assert_eq!(c.election, Election::FromElr);
        // testEligibleLeaderReplicas_RemoveUncleanShutdownReplicasFromElr
        let info = partition(None, &[], &[1, 2, 3, 4]);
        let c = change(&info, &[], &[2], &[], false);
        assert_eq!((c.elr, c.last_known_elr), (vec![1, 3, 4], vec![]));
    }

    #[test]
    fn the_last_known_leader_is_remembered_and_elected_when_it_returns() {
        // testEligibleLeaderReplicas_ElectLastKnownLeader: the ISR empties with leader 1, which
        // is remembered in LastKnownElr.
        let info = partition(Some(1), &[1], &[]);
        let c = change(&info, &[], &[], &[], false);
        assert_eq!(
            (
                c.leader,
                c.isr.clone(),
                c.elr.clone(),
                c.last_known_elr.clone()
            ),
            (None, vec![], vec![1], vec![1])
        );
        // 1 comes back from an unclean shutdown: it leaves the ELR, and is elected as the last
        // known leader — uncleanly, without unclean.leader.election.enable.
        let mut info = partition(None, &[], &[1]);
        info.last_known_elr = vec![1];
        let c = change(&info, &[], &[1], &[1], false);
        assert_eq!(
            (c.leader, c.isr, c.elr, c.last_known_elr, c.election),
            (Some(1), vec![1], vec![], vec![], Election::Unclean)
        );
        // testEligibleLeaderReplicas_ElectLastKnownLeaderShouldFail: not while it may not lead.
        let c = change(&info, &[], &[1], &[2], false);
        assert_eq!((c.leader, c.last_known_elr), (None, vec![1]));
    }

    #[test]
    fn unclean_election_only_when_allowed_and_it_clears_the_elr() {
        let info = partition(None, &[], &[]);
        let c = change(&info, &[], &[], &[4], false);
        assert_eq!(c.leader, None);
        let c = change(&info, &[], &[], &[4], true);
        assert_eq!(
            (c.leader, c.isr, c.election),
            (Some(4), vec![4], Election::Unclean)
        );
    }
}
