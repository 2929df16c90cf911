//! A topic a group reads gains partitions (`kafka-topics.sh --alter --partitions`): who notices,
//! and when. In a classic group the leader does, at its next metadata refresh
//! (`metadata.max.age.ms`, 5 minutes by default), and rejoins; in a KIP-848 group the broker
//! does, at the next heartbeat, through the subscribed topics' metadata hash (KIP-1101).

use super::support::run_ok;
use super::*;

/// `ConsumerCoordinator.rejoinNeededOrPending`: the leader keeps the partition counts it
/// assigned from; when a metadata refresh shows different ones it rejoins ("cached metadata has
/// changed"), and the group rebalances over the new partitions.
#[test]
fn a_classic_group_picks_up_new_partitions_at_the_leaders_metadata_refresh() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 4 --replication-factor 3\n\
         consumer start a --group g --topic orders\n\
         consumer start b --group g --topic orders\n\
         time advance 20s\n\
         kafka-topics.sh --alter --topic orders --partitions 6\n",
    );
    assert_eq!(owned(&cluster, "a").len() + owned(&cluster, "b").len(), 4);
    // Nobody knows yet: the leader's metadata is at most 5 minutes old.
    run_ok(&mut cluster, "time advance 4m\n");
    assert_eq!(owned(&cluster, "a").len() + owned(&cluster, "b").len(), 4);
    run_ok(&mut cluster, "time advance 2m\n");
    assert_eq!(owned(&cluster, "a").len(), 3);
    assert_eq!(owned(&cluster, "b").len(), 3);
}

/// KIP-1101: the group remembers the hash of its subscribed topics' metadata; when a topic
/// gains partitions the next heartbeat sees a new hash, the group epoch goes up and the new
/// partitions are assigned — without any member changing.
#[test]
fn a_consumer_protocol_group_picks_up_new_partitions() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 4 --replication-factor 3\n\
         consumer start a --group g --topic orders --protocol consumer\n\
         consumer start b --group g --topic orders --protocol consumer\n\
         time advance 20s\n",
    );
    let before = cluster.describe_group("g").expect("describe");
    assert_eq!(owned(&cluster, "a").len() + owned(&cluster, "b").len(), 4);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --alter --topic orders --partitions 6\ntime advance 20s\n",
    );
    let after = cluster.describe_group("g").expect("describe");
    assert_eq!(after.group_epoch, before.group_epoch.map(|e| e + 1));
    assert_eq!(after.state.to_string(), "Stable");
    assert_eq!(owned(&cluster, "a").len(), 3);
    assert_eq!(owned(&cluster, "b").len(), 3);
    // Nothing changed since: heartbeats keep the epoch.
    run_ok(&mut cluster, "time advance 20s\n");
    let later = cluster.describe_group("g").expect("describe");
    assert_eq!(later.group_epoch, after.group_epoch);
}
