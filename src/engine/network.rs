//! The simulated network between nodes: latency, loss and partitions, all in sim time.
//!
//! Brokers and controllers talk only through messages on this network (DESIGN.md, principle 1).
//! A message sent at `now` is delivered after the link's latency; each direction of a link is a
//! FIFO queue, as a TCP connection is, so a later message never overtakes an earlier one. A link
//! may drop a share of messages (parts per million, drawn from the cluster's seeded generator
//! only when the share is not zero, so a loss-free network never moves the generator), and two
//! nodes may be partitioned: nothing passes either way, and what was in flight between them is
//! lost, as when a connection breaks. The network never reorders, duplicates or corrupts.
//!
//! The network is generic over the message type; the cluster decides what travels and what a
//! lost message means (a request that times out, a fetch that is retried).

use super::rng::Rng;
use std::collections::{BTreeMap, BTreeSet};

/// A node id (broker or controller).
pub type NodeId = i32;

/// The latency of a link nobody configured: one millisecond, a LAN.
pub const DEFAULT_LATENCY_MS: i64 = 1;

/// What a user set on one direction of a link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkFaults {
    /// Extra one-way delay on top of the default latency.
    pub delay_ms: i64,
    /// Share of messages lost, in parts per million (0..=1_000_000).
    pub drop_ppm: u32,
}

/// A message on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<M> {
    pub from: NodeId,
    pub to: NodeId,
    pub sent_ms: i64,
    pub deliver_ms: i64,
    pub message: M,
}

/// What became of a message handed to the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// It will arrive at this time.
    Delivering { deliver_ms: i64 },
    /// Lost to the link's drop rate.
    Dropped,
    /// The two nodes are partitioned.
    Unreachable,
}

/// Every message in flight and the state of every link.
#[derive(Debug, Clone)]
pub struct Network<M> {
    /// Faults per directed link `(from, to)`; absent means none.
    faults: BTreeMap<(NodeId, NodeId), LinkFaults>,
    /// Partitioned pairs, stored as `(low, high)`.
    partitions: BTreeSet<(NodeId, NodeId)>,
    /// In flight, by delivery time and then sending order.
    in_flight: BTreeMap<(i64, u64), Envelope<M>>,
    /// The last delivery time per directed link, so a link stays FIFO when its delay shrinks.
    last_delivery: BTreeMap<(NodeId, NodeId), i64>,
    next_seq: u64,
}

impl<M> Default for Network<M> {
    fn default() -> Self {
        Network {
            faults: BTreeMap::new(),
            partitions: BTreeSet::new(),
            in_flight: BTreeMap::new(),
            last_delivery: BTreeMap::new(),
            next_seq: 0,
        }
    }
}

fn pair(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    (a.min(b), a.max(b))
}

impl<M> Network<M> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `message` from `from` to `to` at `now`. A node's message to itself is delivered
    /// at once (no link is involved).
    pub fn send(&mut self, rng: &mut Rng, now: i64, from: NodeId, to: NodeId, message: M) -> Sent {
        if from != to && self.is_partitioned(from, to) {
            return Sent::Unreachable;
        }
        let faults = self.faults(from, to);
        if from != to && faults.drop_ppm > 0 && rng.below(1_000_000) < faults.drop_ppm {
            return Sent::Dropped;
        }
        let latency = if from == to {
            0
        } else {
            DEFAULT_LATENCY_MS.saturating_add(faults.delay_ms.max(0))
        };
        let earliest = now.saturating_add(latency);
        let deliver_ms = self
            .last_delivery
            .get(&(from, to))
            .map_or(earliest, |&last| earliest.max(last));
        self.last_delivery.insert((from, to), deliver_ms);
        self.in_flight.insert(
            (deliver_ms, self.next_seq),
            Envelope {
                from,
                to,
                sent_ms: now,
                deliver_ms,
                message,
            },
        );
        self.next_seq += 1;
        Sent::Delivering { deliver_ms }
    }

    /// The earliest message due at or before `until_ms`, taken off the network.
    pub fn pop_due(&mut self, until_ms: i64) -> Option<Envelope<M>> {
        let (&key, _) = self.in_flight.first_key_value()?;
        if key.0 > until_ms {
            return None;
        }
        self.in_flight.remove(&key)
    }

    /// When the next message arrives, if one is in flight.
    pub fn next_delivery(&self) -> Option<i64> {
        self.in_flight.keys().next().map(|&(due, _)| due)
    }

    /// Messages in flight, earliest first (for the UI).
    pub fn in_flight(&self) -> impl Iterator<Item = &Envelope<M>> {
        self.in_flight.values()
    }

    /// Cuts every connection between `a` and `b`: nothing passes either way until healed, and
    /// what was in flight between them is lost (returned so the caller can fail it).
    pub fn partition(&mut self, a: NodeId, b: NodeId) -> Vec<Envelope<M>> {
        if a == b {
            return Vec::new();
        }
        self.partitions.insert(pair(a, b));
        self.take_in_flight(|e| pair(e.from, e.to) == pair(a, b))
    }

    /// Lets `a` and `b` talk again.
    pub fn heal(&mut self, a: NodeId, b: NodeId) {
        self.partitions.remove(&pair(a, b));
    }

    /// Heals every partition.
    pub fn heal_all(&mut self) {
        self.partitions.clear();
    }

    pub fn is_partitioned(&self, a: NodeId, b: NodeId) -> bool {
        self.partitions.contains(&pair(a, b))
    }

    /// The partitioned pairs, `(low, high)`.
    pub fn partitions(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.partitions.iter().copied()
    }

    /// Sets the extra delay of both directions between `a` and `b`.
    pub fn set_delay(&mut self, a: NodeId, b: NodeId, delay_ms: i64) {
        for link in [(a, b), (b, a)] {
            self.faults.entry(link).or_default().delay_ms = delay_ms.max(0);
        }
        self.forget_clean_links();
    }

    /// Sets the loss of both directions between `a` and `b`, in parts per million.
    pub fn set_drop(&mut self, a: NodeId, b: NodeId, drop_ppm: u32) {
        for link in [(a, b), (b, a)] {
            self.faults.entry(link).or_default().drop_ppm = drop_ppm.min(1_000_000);
        }
        self.forget_clean_links();
    }

    /// The faults set on the directed link `from → to`.
    pub fn faults(&self, from: NodeId, to: NodeId) -> LinkFaults {
        self.faults.get(&(from, to)).copied().unwrap_or_default()
    }

    /// Drops every message to or from `node` (it stopped or crashed), returning them.
    pub fn drop_node(&mut self, node: NodeId) -> Vec<Envelope<M>> {
        self.take_in_flight(|e| e.from == node || e.to == node)
    }

    fn take_in_flight(&mut self, mut lost: impl FnMut(&Envelope<M>) -> bool) -> Vec<Envelope<M>> {
        let keys: Vec<(i64, u64)> = self
            .in_flight
            .iter()
            .filter(|(_, e)| lost(e))
            .map(|(&k, _)| k)
            .collect();
        keys.into_iter()
            .filter_map(|k| self.in_flight.remove(&k))
            .collect()
    }

    fn forget_clean_links(&mut self) {
        self.faults.retain(|_, f| *f != LinkFaults::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(network: &mut Network<&'static str>, until: i64) -> Vec<(i64, &'static str)> {
        std::iter::from_fn(|| network.pop_due(until))
            .map(|e| (e.deliver_ms, e.message))
            .collect()
    }

    #[test]
    fn messages_arrive_after_the_latency_in_order() {
        let mut rng = Rng::from_seed(0);
        let mut network = Network::new();
        assert_eq!(
            network.send(&mut rng, 100, 1, 2, "a"),
            Sent::Delivering { deliver_ms: 101 }
        );
        network.send(&mut rng, 100, 2, 1, "b");
        network.send(&mut rng, 100, 3, 3, "self");
        assert_eq!(drain(&mut network, 100), vec![(100, "self")]);
        assert_eq!(drain(&mut network, 200), vec![(101, "a"), (101, "b")]);
        assert_eq!(network.next_delivery(), None);
    }

    #[test]
    fn a_link_stays_fifo_when_its_delay_shrinks() {
        let mut rng = Rng::from_seed(0);
        let mut network = Network::new();
        network.set_delay(1, 2, 50);
        network.send(&mut rng, 0, 1, 2, "slow");
        network.set_delay(1, 2, 0);
        network.send(&mut rng, 1, 1, 2, "fast");
        assert_eq!(drain(&mut network, 100), vec![(51, "slow"), (51, "fast")]);
    }

    #[test]
    fn a_partition_loses_what_was_in_flight_and_blocks_both_ways_until_healed() {
        let mut rng = Rng::from_seed(0);
        let mut network = Network::new();
        network.send(&mut rng, 0, 1, 2, "lost");
        network.send(&mut rng, 0, 1, 3, "kept");
        let lost = network.partition(2, 1);
        assert_eq!(lost.len(), 1);
        assert_eq!(lost[0].message, "lost");
        assert_eq!(network.send(&mut rng, 1, 2, 1, "x"), Sent::Unreachable);
        network.heal(1, 2);
        assert!(matches!(
            network.send(&mut rng, 2, 2, 1, "y"),
            Sent::Delivering { .. }
        ));
        assert_eq!(drain(&mut network, 10), vec![(1, "kept"), (3, "y")]);
    }

    #[test]
    fn loss_follows_the_seed_and_a_clean_network_never_draws() {
        let run = |seed| {
            let mut rng = Rng::from_seed(seed);
            let mut network = Network::new();
            network.set_drop(1, 2, 500_000);
            (0..100)
                .map(|i| network.send(&mut rng, i, 1, 2, "m") == Sent::Dropped)
                .collect::<Vec<_>>()
        };
        let dropped = run(7).iter().filter(|&&d| d).count();
        assert!((30..70).contains(&dropped), "{dropped} of 100 at 50%");
        assert_eq!(run(7), run(7));
        let mut rng = Rng::from_seed(1);
        let before = rng.clone();
        let mut network = Network::new();
        network.send(&mut rng, 0, 1, 2, "m");
        assert_eq!(rng.state(), before.state(), "no draw without loss");
    }

    #[test]
    fn a_stopped_node_loses_its_messages() {
        let mut rng = Rng::from_seed(0);
        let mut network = Network::new();
        network.send(&mut rng, 0, 1, 2, "to 2");
        network.send(&mut rng, 0, 2, 3, "from 2");
        network.send(&mut rng, 0, 1, 3, "other");
        assert_eq!(network.drop_node(2).len(), 2);
        assert_eq!(drain(&mut network, 10), vec![(1, "other")]);
    }
}
