//! `AbstractStickyAssignor.ConstrainedAssignmentBuilder`: the path taken when every member
//! subscribes to the same topics.
//!
//! 1. Each member keeps what it owned, up to its quota: everything if below `minQuota`;
//!    `maxQuota` while fewer than `total % members` members are above `minQuota`; else `minQuota`.
//!    What it keeps is its owned partitions sorted by partition number, then topic.
//! 2. The rest, in topic-then-partition order, goes round-robin to the members below
//!    `minQuota` (in member-id order), then one each to members at exactly `minQuota`.
//!
//! Partitions taken from an over-quota member are "transferring ownership": cooperative-sticky
//! leaves them out of this round.

use super::{Group, OwnedPartitions, Tp};
use crate::engine::group::assignor::AssignorError;
use crate::engine::sorting;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

struct Builder<'a> {
    member_ids: &'a [String],
    multiple_owners: &'a BTreeSet<Tp>,
    /// `maybeRevokedPartitions`: owned partitions over quota, with the member that gave them up.
    maybe_revoked: BTreeMap<Tp, usize>,
    under_min: Vec<usize>,
    exactly_min: VecDeque<usize>,
    min_quota: usize,
    max_quota: usize,
    expected_over_min: usize,
    current_over_min: usize,
    assignment: Vec<Vec<Tp>>,
    transferring: BTreeMap<Tp, usize>,
}

/// `ConstrainedAssignmentBuilder.build()`: the assignment per member (index order) and
/// `partitionsTransferringOwnership`.
#[allow(clippy::type_complexity)]
pub(crate) fn assign(
    group: &Group,
    owned: &OwnedPartitions,
) -> Result<(Vec<Vec<Tp>>, BTreeMap<Tp, usize>), AssignorError> {
    let members = group.members.len();
    let total = group.total_partitions();
    let mut b = Builder {
        member_ids: &group.members,
        multiple_owners: &owned.multiple_owners,
        maybe_revoked: BTreeMap::new(),
        under_min: Vec::new(),
        exactly_min: VecDeque::new(),
        min_quota: total / members,
        max_quota: total.div_ceil(members),
        expected_over_min: total % members,
        current_over_min: 0,
        assignment: vec![Vec::new(); members],
        transferring: BTreeMap::new(),
    };
    let assigned = b.assign_owned_partitions(&owned.owned, &group.hash_order);
    let mut unassigned = Vec::with_capacity(total - assigned.len());
    for (t, &count) in group.counts.iter().enumerate() {
        for p in 0..count {
            if !assigned.contains(&(t as u32, p)) {
                unassigned.push((t as u32, p));
            }
        }
    }
    sorting::sort(&mut b.under_min);
    sorting::sort(b.exactly_min.make_contiguous());
    b.assign_round_robin(&unassigned)?;
    b.verify_unfilled_members()?;
    Ok((b.assignment, b.transferring))
}

impl Builder<'_> {
    /// `assignOwnedPartitions` (members in Java's `HashMap` order: who comes first keeps
    /// `maxQuota`); returns `assignedPartitions`.
    fn assign_owned_partitions(&mut self, owned: &[Vec<Tp>], hash_order: &[usize]) -> BTreeSet<Tp> {
        let mut assigned = BTreeSet::new();
        for &member in hash_order {
            let mut claims: Vec<Tp> = owned[member].clone();
            // Sorted by partition, then topic: a member keeps low partition numbers of every
            // topic rather than all of one topic.
            sorting::sort_by_key(&mut claims, |&(t, p)| (p, t));
            claims.retain(|tp| !self.multiple_owners.contains(tp));
            let keep = if claims.len() < self.min_quota {
                self.under_min.push(member);
                claims.len()
            } else if claims.len() >= self.max_quota
                && self.current_over_min < self.expected_over_min
            {
                self.current_over_min += 1;
                if self.current_over_min == self.expected_over_min {
                    self.exactly_min.clear();
                }
                self.max_quota
            } else {
                if self.current_over_min < self.expected_over_min {
                    self.exactly_min.push_back(member);
                }
                self.min_quota
            };
            self.assignment[member].extend_from_slice(&claims[..keep]);
            assigned.extend(claims[..keep].iter().copied());
            self.maybe_revoked
                .extend(claims[keep..].iter().map(|&tp| (tp, member)));
        }
        assigned
    }

    /// `assignRoundRobin`, with Java's `LinkedList` iterator over the under-`minQuota` members
    /// as a cursor (`next` is the index the iterator returns next).
    fn assign_round_robin(&mut self, unassigned: &[Tp]) -> Result<(), AssignorError> {
        let mut next = 0usize;
        for &tp in unassigned {
            let (member, from_iterator) = if next < self.under_min.len() {
                next += 1;
                (self.under_min[next - 1], true)
            } else if self.under_min.is_empty() {
                match self.exactly_min.pop_front() {
                    Some(member) => (member, false),
                    None => {
                        return Err(AssignorError::IllegalState(
                            "No more unfilled consumers to be assigned.".to_owned(),
                        ))
                    }
                }
            } else {
                next = 1;
                (self.under_min[0], true)
            };
            let count = self.assign_new_partition(tp, member);
            if count == self.min_quota {
                if !from_iterator {
                    return Err(AssignorError::IllegalState(
                        "a member at minQuota was filled from the wrong list".to_owned(),
                    ));
                }
                next -= 1;
                self.under_min.remove(next);
                self.exactly_min.push_back(member);
            } else if count == self.max_quota {
                // Java logs an error if partitions remain after the last member reached
                // maxQuota, and carries on.
                self.current_over_min += 1;
            }
        }
        Ok(())
    }

    /// `assignNewPartition`: a partition that another member had to give up, or that two
    /// members claimed, changes owner.
    fn assign_new_partition(&mut self, tp: Tp, member: usize) -> usize {
        self.assignment[member].push(tp);
        let revoked_elsewhere = self.maybe_revoked.get(&tp).is_some_and(|&m| m != member);
        if revoked_elsewhere || self.multiple_owners.contains(&tp) {
            self.transferring.insert(tp, member);
        }
        self.assignment[member].len()
    }

    /// `verifyUnfilledMembers`.
    fn verify_unfilled_members(&self) -> Result<(), AssignorError> {
        if self.under_min.is_empty() {
            return Ok(());
        }
        if self.current_over_min != self.expected_over_min {
            return Err(AssignorError::IllegalState(
                "We haven't reached the expected number of members with more than the minQuota \
                 partitions, but no more partitions to be assigned"
                    .to_owned(),
            ));
        }
        match self
            .under_min
            .iter()
            .find(|&&m| self.assignment[m].len() != self.min_quota)
        {
            Some(&m) => Err(AssignorError::IllegalState(format!(
                "Consumer: [{m}] doesn't reach minQuota partitions, and no more partitions to be assigned",
                m = self.member_ids[m]
            ))),
            None => Ok(()),
        }
    }
}
