//! One broker's card: its state (running, stopped, crashed; fenced when the controller fenced
//! it), its controller role and Raft state, its fault buttons, and every partition replica it
//! hosts — those of internal topics (`__consumer_offsets`: 50 partitions) folded into one line until asked for,
//! so a card stays readable and cheap to render on every playback frame.

use crate::engine::replication::BrokerState;
use crate::engine::Cluster;
use crate::i18n::{tr, trf, Lang};
use crate::ui::faults::{broker_line, BrokerVerb};
use crate::ui::prefs::use_lang;
use crate::ui::replica_view::{replicas_on, ReplicaRow};
use crate::ui::store::{Action, StoreHandle};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BrokerCardProps {
    pub node_id: i32,
}

#[component]
pub fn BrokerCard(props: &BrokerCardProps) -> Html {
    let lang = use_lang();
    let show_internal = use_state(|| false);
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let cluster = &store.cluster();
    let id = props.node_id;
    let Some(broker) = cluster.broker(id) else {
        return html! {};
    };
    let state = broker.state.name();
    let fenced = !cluster.is_unfenced(id);
    let active = cluster.active_controller() == Some(id);
    let voter = (1..=cluster.voter_count()).contains(&id);
    let replicas = replicas_on(cluster, id);
    let led = replicas.iter().filter(|r| r.is_leader).count();
    let running = broker.state == BrokerState::Running;
    let button = |verb: BrokerVerb, label: &'static str, title: &'static str, enabled: bool| {
        let store = store.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::Broker { verb, node_id: id })
        });
        // The command the button runs, first in its tooltip (as the consumer buttons do).
        let title = format!("{}: {title}", broker_line(verb, id));
        html! {
            <button class={classes!("fault", verb.name())} {onclick} disabled={!enabled} {title}
                data-testid={format!("{}-broker-{id}", verb.name())}
                aria-label={trf(lang, "{} broker {}", &[&label, &id])}>{label}</button>
        }
    };
    html! {
        <li class={classes!("broker", state, fenced.then_some("fenced"))}
            data-testid={format!("broker-{id}")} data-state={state} data-fenced={fenced.to_string()}>
            <div class="broker-head">
                <svg class="broker-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
                    <rect x="3" y="3" width="18" height="18" rx="3" />
                    if !running { <path d="M7 7 L17 17 M17 7 L7 17" /> }
                </svg>
                <strong>{trf(lang, "Broker {}", &[&id])}</strong>
                <span class={classes!("badge", "state", state)}>{tr(lang, state)}</span>
                if fenced {
                    <span class="badge fenced" title={tr(lang, "The controller fenced this broker: it leads no partition and is in no ISR until it registers again")}>{tr(lang, "fenced")}</span>
                }
                if active {
                    <span class="badge controller" title={tr(lang, "The active KRaft controller")}>{tr(lang, "active controller")}</span>
                }
                if voter {
                    <span class="badge voter" title={tr(lang, "A KRaft controller voter (controller.quorum.voters)")}>{tr(lang, "voter")}</span>
                }
            </div>
            <div class="muted">{trf(lang, "leader of {} partition(s)", &[&led])}</div>
            { quorum_line(lang, cluster, id) }
            <div class="fault-buttons" role="group" aria-label={trf(lang, "Faults for broker {}", &[&id])}>
                { button(BrokerVerb::Stop, tr(lang, "Stop"), tr(lang, "Controlled shutdown: leadership moves away first, everything is flushed"), running) }
                { button(BrokerVerb::Kill, tr(lang, "Kill"), tr(lang, "The process dies; the controller fences it when broker.session.timeout.ms (9 s) runs out"), running) }
                { button(BrokerVerb::Start, tr(lang, "Start"), tr(lang, "Start the broker: it loads (after a crash, recovers) its logs and registers"), !running) }
            </div>
            { replica_table(id, &replicas, &show_internal, lang) }
        </li>
    }
}

fn replica_table(
    id: i32,
    replicas: &[ReplicaRow],
    show_internal: &UseStateHandle<bool>,
    lang: Lang,
) -> Html {
    if replicas.is_empty() {
        return html! { <p class="muted">{tr(lang, "No partition replicas.")}</p> };
    }
    let (internal, topics): (Vec<&ReplicaRow>, Vec<&ReplicaRow>) =
        replicas.iter().partition(|r| r.topic.starts_with("__"));
    let toggle = {
        let show_internal = show_internal.clone();
        Callback::from(move |_: MouseEvent| show_internal.set(!*show_internal))
    };
    let led = internal.iter().filter(|r| r.is_leader).count();
    html! {
        <table class="replicas" aria-label={trf(lang, "Replicas on broker {}", &[&id])}>
            <thead><tr>
                <th scope="col">{tr(lang, "Partition")}</th>
                <th scope="col">{tr(lang, "Role")}</th>
                <th scope="col">{tr(lang, "In sync")}</th>
                <th scope="col"><abbr title={tr(lang, "log end offset: the offset the next record gets")}>{"LEO"}</abbr></th>
                <th scope="col"><abbr title={tr(lang, "high watermark: records below it are committed and readable")}>{"HW"}</abbr></th>
            </tr></thead>
            <tbody>
                { for topics.iter().map(|r| replica_row(r, lang)) }
                if !internal.is_empty() {
                    <tr class="internal-replicas"><td colspan="5">
                        <button class="internal-toggle" onclick={toggle} aria-expanded={show_internal.to_string()}
                            data-testid={format!("internal-replicas-{id}")}>
                            {trf(lang, "{} {} internal-topic replica(s), leader of {}",
                                &[&if **show_internal { "▾" } else { "▸" }, &internal.len(), &led])}
                        </button>
                    </td></tr>
                    if **show_internal { { for internal.iter().map(|r| replica_row(r, lang)) } }
                }
            </tbody>
        </table>
    }
}

fn replica_row(r: &ReplicaRow, lang: Lang) -> Html {
    let role = match (r.leader, r.is_leader) {
        (None, _) => "offline",
        (Some(_), true) => "leader",
        (Some(_), false) => "follower",
    };
    let sync = if r.in_isr {
        "ISR"
    } else if r.in_elr {
        "ELR (may still lead)"
    } else {
        "out of sync"
    };
    let (leo, hw) = r
        .offsets
        .map_or(("—".to_string(), "—".to_string()), |(leo, hw)| {
            (leo.to_string(), hw.to_string())
        });
    let leader_note = match (r.leader, r.preferred_leader) {
        (None, _) => tr(lang, "no leader (Leader: none)").to_string(),
        (Some(l), Some(p)) if l != p => trf(lang, "leader {}, preferred leader {}", &[&l, &p]),
        (Some(l), _) => trf(lang, "leader {} (the preferred leader)", &[&l]),
    };
    html! {
        <tr class={classes!("replica", role, (!r.in_isr).then_some("out-of-isr"), r.in_elr.then_some("in-elr"))}
            data-testid="replica"
            data-tp={format!("{}-{}", r.topic, r.partition)} data-role={role}
            data-isr={r.in_isr.to_string()} data-elr={r.in_elr.to_string()}
            data-preferred={r.is_preferred.to_string()} data-leo={leo.clone()} data-hw={hw.clone()}
            title={leader_note}>
            <th scope="row"><code>{format!("{}-{}", r.topic, r.partition)}</code></th>
            <td>
                <span class="role">{tr(lang, role)}</span>
                if r.is_preferred {
                    <span class="preferred" title={tr(lang, "The preferred leader: first in the replica list")}>{tr(lang, "★ preferred")}</span>
                }
            </td>
            <td class="sync">
                {tr(lang, sync)}
                if r.in_last_known_elr {
                    <span title={tr(lang, "LastKnownElr: the leader when the ISR became empty; Kafka 4.1 elects it again when it returns, uncleanly (it may have lost unflushed records)")}>{tr(lang, " · last known leader")}</span>
                }
            </td>
            <td class="num">{leo}</td>
            <td class="num">{hw}</td>
        </tr>
    }
}

/// The node's place in the KRaft quorum: its Raft role and epoch, and how far its copy of
/// `__cluster_metadata-0` reaches and is committed (what `kafka-metadata-quorum.sh` reports).
fn quorum_line(lang: Lang, cluster: &Cluster, id: i32) -> Html {
    let Some(node) = cluster.quorum().node(id) else {
        return html! {};
    };
    let running = cluster.broker(id).is_some_and(|b| b.is_running());
    // The Raft role (Leader, Follower, …) is Kafka's word, as kafka-metadata-quorum.sh prints it.
    let role = if running { node.role.name() } else { "down" };
    let shown_role = if running { role } else { tr(lang, "down") };
    let kind = if node.voter {
        tr(lang, "voter")
    } else {
        tr(lang, "observer")
    };
    let text = trf(
        lang,
        "KRaft {}: {} · epoch {} · metadata log end {} · committed {}",
        &[
            &kind,
            &shown_role,
            &node.epoch,
            &node.log.log_end_offset(),
            &node.high_watermark,
        ],
    );
    html! {
        <div class="muted quorum-line" data-testid={format!("quorum-{id}")} data-role={role}
            data-epoch={node.epoch.to_string()}
            title={tr(lang, "This node's Raft state (KIP-595) and its copy of the metadata log __cluster_metadata-0")}>
            {text}
        </div>
    }
}
