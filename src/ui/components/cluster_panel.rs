//! The cluster view: the simulated clock with its time buttons, the partitions a person must
//! not miss (offline, under-replicated), one card per broker, and how the last broker action went.

use super::broker_card::BrokerCard;
use super::time_controls::TimeControls;
use crate::i18n::{tr, trf, Lang};
use crate::ui::prefs::use_lang;
use crate::ui::replica_view::{partition_health, PartitionHealth};
use crate::ui::store::{Outcome, StoreHandle};
use yew::prelude::*;

#[component]
pub fn ClusterPanel() -> Html {
    let lang = use_lang();
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let cluster = &store.cluster();
    let cards = cluster
        .brokers()
        .map(|broker| html! { <BrokerCard key={broker.node_id} node_id={broker.node_id} /> });
    html! {
        <section class="panel cluster-panel" aria-labelledby="cluster-heading">
            <div class="cluster-head">
                <h2 id="cluster-heading">{tr(lang, "Cluster")}</h2>
                <p class="muted">{tr(lang, "Cluster id ")}<code>{cluster.cluster_id().to_string()}</code></p>
            </div>
            <TimeControls />
            { health_view(lang, &partition_health(cluster), cluster.active_controller().is_none()) }
            <ul class="brokers">{ for cards }</ul>
            { outcome_view(store.cluster_outcome.as_ref()) }
        </section>
    }
}

/// A topic with more partitions than this in one list is named with a count instead.
const LISTED_PER_TOPIC: usize = 6;

/// "N offline, M under-replicated", named after Kafka's metrics, with the partitions listed;
/// and, without an active controller, that the metadata cannot change.
fn health_view(lang: Lang, health: &PartitionHealth, no_controller: bool) -> Html {
    let (offline, under) = (health.offline.len(), health.under_replicated.len());
    let trouble = offline + under > 0 || no_controller;
    let list = |names: &[String]| compact(lang, names);
    html! {
        <div class={classes!("health", trouble.then_some("trouble"))} data-testid="partition-health"
            data-offline={offline.to_string()} data-under-replicated={under.to_string()}
            role={if trouble { "alert" } else { "status" }}>
            <strong>
                <span class={classes!((offline > 0).then_some("bad"))}
                    title={tr(lang, "OfflinePartitionsCount (kafka.controller:type=KafkaController): partitions with no leader")}>
                    {trf(lang, "{} offline", &[&offline])}
                </span>
                {", "}
                <span class={classes!((under > 0).then_some("warn"))}
                    title={tr(lang, "UnderReplicatedPartitions (kafka.server:type=ReplicaManager): partitions whose ISR is smaller than their replica list")}>
                    {trf(lang, "{} under-replicated", &[&under])}
                </span>
            </strong>
            if no_controller {
                <div class="bad" data-testid="no-controller">{tr(lang, "No active controller: the KRaft quorum has no leader (most of its voters are down or cut off), so the metadata stands still: no leader is elected, no ISR changes, no topic is created until a majority of the voters is back.")}</div>
            }
            if offline > 0 {
                <div data-testid="offline-partitions">{tr(lang, "Offline (Leader: none): ")}{list(&health.offline)}</div>
            }
            if under > 0 {
                <div data-testid="under-replicated-partitions">{tr(lang, "Under-replicated: ")}{list(&health.under_replicated)}</div>
            }
            if !health.not_preferred.is_empty() {
                <div class="muted" data-testid="not-preferred-partitions"
                    title={tr(lang, "PreferredReplicaImbalanceCount (kafka.controller:type=KafkaController) counts these, and the offline partitions")}>
                    {tr(lang, "Led by a broker other than the preferred leader: ")}{list(&health.not_preferred)}
                </div>
            }
        </div>
    }
}

/// The partitions named in order, a topic's run of more than [`LISTED_PER_TOPIC`] folded into a
/// count (`__consumer_offsets` has 50), so the box stays a few lines at any width.
fn compact(lang: Lang, names: &[String]) -> String {
    let mut by_topic: Vec<(&str, Vec<&str>)> = Vec::new();
    for name in names {
        let topic = name
            .rsplit_once('-')
            .map_or(name.as_str(), |(topic, _)| topic);
        match by_topic.last_mut() {
            Some((last, listed)) if *last == topic => listed.push(name),
            _ => by_topic.push((topic, vec![name])),
        }
    }
    by_topic
        .into_iter()
        .map(|(topic, listed)| {
            if listed.len() > LISTED_PER_TOPIC {
                trf(lang, "{} ({} partitions)", &[&topic, &listed.len()])
            } else {
                listed.join(", ")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn outcome_view(outcome: Option<&Outcome>) -> Html {
    match outcome {
        None => html! {},
        Some(Outcome::Refused { code, message }) => html! {
            <div class="outcome error" role="alert" data-testid="broker-error">
                <code>{*code}</code>{" "}{message.clone()}
            </div>
        },
        Some(Outcome::Created { message, .. }) => html! {
            <div class="outcome ok" role="status" data-testid="broker-outcome">{message.clone()}</div>
        },
        Some(Outcome::Done { message, notes }) => {
            html! {
                <div class="outcome ok" role="status" data-testid="broker-outcome">
                    <div>{message.clone()}</div>
                    if !notes.is_empty() {
                        <ul class="notes">{ for notes.iter().map(|n| html! { <li><code>{n.clone()}</code></li> }) }</ul>
                    }
                </div>
            }
        }
    }
}
