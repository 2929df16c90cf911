//! One consumer group's card: its state (a rebalance stands out), protocol and assignor,
//! generation or epochs, coordinator, lag over time, its members with their partitions (one
//! colour per member) and a partition table — owner, committed offset, log end offset, lag,
//! time lag, our consumer's position. Partitions a rebalance is revoking and those waiting to be
//! assigned are marked apart. Stop and Kill of our background consumers go up as command lines.

use super::lag_sparkline::LagSparkline;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::describe::{GroupState, GroupType};
use crate::engine::group::overview::{GroupOverview, MemberOverview, PartitionOverview};
use crate::engine::sorting;
use crate::i18n::{tr, trf, Lang};
use crate::ui::prefs::use_lang;
use yew::prelude::*;

/// How many member colours there are (`.member-colour-N` in the stylesheet).
pub const MEMBER_COLOURS: usize = 8;

/// A background consumer of the group that is not (yet, or any more) one of its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingConsumer {
    pub name: String,
    /// Why: joining, or the error that ended it.
    pub note: String,
}

#[derive(Properties, PartialEq)]
pub struct GroupCardProps {
    pub overview: GroupOverview,
    /// The group's total lag over sim time (`LagHistory`).
    pub samples: Vec<(i64, i64)>,
    #[prop_or_default]
    pub waiting: Vec<WaitingConsumer>,
    /// Runs a command line (`consumer stop NAME`, `consumer kill NAME`).
    pub on_command: Callback<String>,
}

/// The colour of each member: a hash of its client id (then member id), so `c1` keeps its
/// colour as others join and leave; members whose colours collide take the next free one, in
/// client id order, so one group never shows two members in one colour (up to
/// [`MEMBER_COLOURS`] members).
pub fn member_colours(members: &[MemberOverview]) -> Vec<(String, usize)> {
    let mut order: Vec<&MemberOverview> = members.iter().collect();
    // One copy of the sort for the whole crate (`engine::sorting`).
    sorting::sort_by(&mut order, |a, b| {
        (&a.client_id, &a.member_id).cmp(&(&b.client_id, &b.member_id))
    });
    let mut taken = [false; MEMBER_COLOURS];
    order
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let wanted = colour_hash(&m.client_id) % MEMBER_COLOURS;
            let colour = if i < MEMBER_COLOURS {
                (0..MEMBER_COLOURS)
                    .map(|k| (wanted + k) % MEMBER_COLOURS)
                    .find(|&c| !taken[c])
                    .unwrap_or(wanted)
            } else {
                wanted
            };
            taken[colour] = true;
            (m.member_id.clone(), colour)
        })
        .collect()
}

/// FNV-1a of the text, for colours only.
fn colour_hash(text: &str) -> usize {
    let hash = text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash as usize
}

/// What the state means, for a person watching.
pub fn state_hint(lang: Lang, state: GroupState, group_type: GroupType) -> &'static str {
    match (state, group_type) {
        (GroupState::PreparingRebalance, _) => {
            tr(lang, "Rebalancing: members rejoin (JoinGroup), each when its next heartbeat tells it to. An eager member gives up all its partitions as it rejoins; a cooperative one keeps those that stay.")
        }
        (GroupState::CompletingRebalance, _) => {
            tr(lang, "Rebalancing: the leader computes the assignment and every member waits for it (SyncGroup).")
        }
        (GroupState::Assigning, _) => {
            tr(lang, "Rebalancing: the group epoch moved on; the coordinator computes the new target assignment.")
        }
        (GroupState::Reconciling, _) => {
            tr(lang, "Rebalancing: members move to the target assignment, revoking partitions before others get them.")
        }
        (GroupState::Empty, _) => tr(lang, "No active members: the committed offsets stay."),
        (GroupState::Unknown, _) => tr(lang, "Not known to a coordinator yet: the consumers are looking for it."),
        (GroupState::Dead, _) => tr(lang, "The group no longer exists."),
        (GroupState::Stable, _) => "",
    }
}

/// `1.2 s`, `350 ms`, `2 min 5 s`.
pub fn duration_text(ms: i64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{}.{} s", ms / 1_000, ms % 1_000 / 100)
    } else {
        format!("{} min {} s", ms / 60_000, ms % 60_000 / 1_000)
    }
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or("-".to_string(), |v| v.to_string())
}

#[component]
pub fn GroupCard(props: &GroupCardProps) -> Html {
    let lang = use_lang();
    let o = &props.overview;
    let colours = member_colours(&o.members);
    let colour_of = |member_id: &str| colours.iter().find(|(id, _)| id == member_id).map(|c| c.1);
    let name_of = |member_id: &str| {
        o.members
            .iter()
            .find(|m| m.member_id == member_id)
            .map_or(member_id.to_string(), member_label)
    };
    let rebalancing = o.rebalancing();
    let hint = state_hint(lang, o.state, o.group_type);
    let heading = format!("group-{}-heading", o.group_id);
    let members = o.members.iter().map(|m| {
        let colour = colour_of(&m.member_id).unwrap_or(0);
        let held = still_held(o, m);
        // Idle: a settled member the assignor gave nothing (more members than partitions).
        // Mid-rebalance an empty member is only waiting, so it is not called idle then.
        let idle = !rebalancing
            && [&m.assigned, &held, &m.pending_revocation, &m.awaiting]
                .iter()
                .all(|p| p.is_empty());
        member_view(lang, m, &held, (colour, idle), &props.on_command)
    });
    let rows = o
        .partitions
        .iter()
        .map(|p| partition_row(lang, p, rebalancing, &colour_of, &name_of));
    html! {
        <article class={classes!("group-card", rebalancing.then_some("rebalancing"))}
            data-testid="group-card" data-group={o.group_id.clone()} data-state={o.state.to_string()}
            aria-labelledby={heading.clone()}>
            <header class="group-head">
                <h3 id={heading}>{o.group_id.clone()}</h3>
                <span class={classes!("badge", "group-state", state_class(o.state))}
                    data-testid="group-state">{o.state.to_string()}</span>
                <span class="badge protocol" data-testid="group-protocol">
                    { match o.group_type { GroupType::Classic => "classic", GroupType::Consumer => "consumer (KIP-848)" } }
                    if !o.assignor.is_empty() { {format!(" · {}", o.assignor)} }
                </span>
                { epoch_view(lang, o) }
            </header>
            <p class="muted coordinator" data-testid="group-coordinator">
                { match o.coordinator {
                    Some(c) => trf(lang, "coordinator: broker {} · __consumer_offsets-{}", &[&c.broker, &c.partition]),
                    None => tr(lang, "coordinator: not found yet").to_string(),
                } }
            </p>
            if !hint.is_empty() {
                <p class={classes!("state-hint", rebalancing.then_some("rebalance"))}
                    role={if rebalancing { "status" } else { "note" }} data-testid="group-hint">{hint}</p>
            }
            <LagSparkline samples={props.samples.clone()} />
            <ul class="members" aria-label={trf(lang, "Members of {}", &[&o.group_id])}>
                { for members }
                { for props.waiting.iter().map(|w| waiting_view(lang, w, &props.on_command)) }
            </ul>
            if !o.partitions.is_empty() {
                <div class="table-scroll">
                <table class="group-partitions" data-testid="group-partitions">
                    <caption class="visually-hidden">{trf(lang, "Partitions of group {}", &[&o.group_id])}</caption>
                    <thead><tr>
                        <th scope="col">{tr(lang, "Partition")}</th>
                        <th scope="col">{tr(lang, "Owner")}</th>
                        <th scope="col" class="num" title={tr(lang, "CURRENT-OFFSET: the committed offset")}>{tr(lang, "Committed")}</th>
                        <th scope="col" class="num" title={tr(lang, "LOG-END-OFFSET (the high watermark)")}>{"LEO"}</th>
                        <th scope="col" class="num" title="LAG = LOG-END-OFFSET − CURRENT-OFFSET">{tr(lang, "Lag")}</th>
                        <th scope="col" class="num" title={tr(lang, "Age of the first record not committed, in simulated time")}>{tr(lang, "Time lag")}</th>
                        <th scope="col" class="num" title={tr(lang, "The next offset our consumer will read")}>{tr(lang, "Position")}</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                </div>
            }
        </article>
    }
}

fn state_class(state: GroupState) -> &'static str {
    match state {
        GroupState::Stable => "stable",
        GroupState::Empty | GroupState::Unknown => "idle",
        GroupState::Dead => "dead",
        _ => "rebalancing",
    }
}

fn epoch_view(lang: Lang, o: &GroupOverview) -> Html {
    match (o.generation_id, o.group_epoch, o.target_assignment_epoch) {
        (Some(generation), _, _) => html! {
            <span class="epoch" data-testid="group-generation" data-generation={generation.to_string()}
                title={tr(lang, "generation id: bumped by every rebalance")}>{trf(lang, "generation {}", &[&generation])}</span>
        },
        (None, Some(epoch), target) => html! {
            <span class="epoch" data-testid="group-epoch" data-epoch={epoch.to_string()}
                title={tr(lang, "group epoch (bumped when membership or subscriptions change) and target assignment epoch")}>
                {trf(lang, "group epoch {} · target {}", &[&epoch, &or_dash(target)])}
            </span>
        },
        _ => html! {},
    }
}

/// A member by our consumer's name, else its client id.
fn member_label(m: &MemberOverview) -> String {
    m.consumer_name
        .clone()
        .unwrap_or_else(|| m.client_id.clone())
}

fn chips(partitions: &[TopicPartition], class: &'static str, colour: usize) -> Html {
    let chips = partitions.iter().map(|tp| {
        html! {
            <span class={classes!("chip", class, format!("member-colour-{colour}"))}>{tp.to_string()}</span>
        }
    });
    html! { <>{ for chips }</> }
}

/// Partitions a member still holds that its described assignment leaves out: a classic
/// group's members during a rebalance (DescribeGroups shows assignments only once `Stable`).
fn still_held(o: &GroupOverview, m: &MemberOverview) -> Vec<TopicPartition> {
    o.partitions
        .iter()
        .filter(|p| p.owner.as_deref() == Some(m.member_id.as_str()) && p.revoking_from.is_none())
        .map(|p| p.partition.clone())
        .filter(|tp| !m.assigned.contains(tp))
        .collect()
}

fn member_view(
    lang: Lang,
    m: &MemberOverview,
    held: &[TopicPartition],
    (colour, idle): (usize, bool),
    on_command: &Callback<String>,
) -> Html {
    let mut details = vec![m.protocol.to_string(), m.state.to_string()];
    if let Some(epoch) = m.member_epoch {
        details.push(trf(lang, "epoch {}", &[&epoch]));
    }
    if let Some(instance) = &m.group_instance_id {
        details.push(trf(lang, "static: {}", &[instance]));
    }
    if m.leader {
        details.push(tr(lang, "leader").to_string());
    }
    html! {
        <li class={classes!("member", format!("member-colour-{colour}"))} data-testid="group-member"
            data-member={member_label(m)} data-partitions={m.assigned.len().to_string()}>
            <span class="swatch" aria-hidden="true"></span>
            <strong>{member_label(m)}</strong>
            <code class="muted member-id" title={tr(lang, "member id")}>{m.member_id.clone()}</code>
            <span class="muted">{details.join(" · ")}</span>
            <span class="member-partitions">
                { chips(&m.assigned, "owned", colour) }
                { chips(held, "owned", colour) }
                { chips(&m.pending_revocation, "revoking", colour) }
                { chips(&m.awaiting, "assigning", colour) }
                if idle {
                    <span class="chip idle" data-testid="member-idle"
                        title={tr(lang, "Idle: the group has more members than partitions, so this one got none")}>{tr(lang, "idle")}</span>
                }
            </span>
            if let Some(name) = &m.consumer_name {
                { consumer_buttons(lang, name, on_command) }
            }
        </li>
    }
}

fn waiting_view(lang: Lang, w: &WaitingConsumer, on_command: &Callback<String>) -> Html {
    html! {
        <li class="member waiting" data-testid="group-waiting" data-member={w.name.clone()}>
            <span class="swatch" aria-hidden="true"></span>
            <strong>{w.name.clone()}</strong>
            <span class="muted">{w.note.clone()}</span>
            { consumer_buttons(lang, &w.name, on_command) }
        </li>
    }
}

fn consumer_buttons(lang: Lang, name: &str, on_command: &Callback<String>) -> Html {
    let button = |verb: &'static str, title: String| {
        let line = format!("consumer {verb} {}", super::consumer_form::shell_word(name));
        let on_command = on_command.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_command.emit(line.clone()));
        html! {
            <button type="button" class={verb} {onclick} {title}
                data-testid={format!("consumer-{verb}-{name}")}>
                { if verb == "stop" { tr(lang, "Stop") } else { tr(lang, "Kill") } }
            </button>
        }
    };
    html! {
        <span class="consumer-buttons">
            { button("stop", trf(lang, "consumer stop {}: commits and leaves the group (LeaveGroup)", &[&name])) }
            { button("kill", trf(lang, "consumer kill {}: a crash, no LeaveGroup; the session timeout will find it", &[&name])) }
        </span>
    }
}

/// A partition's row. In a rebalance a partition nobody holds was revoked (by every member of
/// an eager group as it rejoined, or by the member a cooperative assignment took it from) and
/// waits for this rebalance to give it out.
fn partition_row(
    lang: Lang,
    p: &PartitionOverview,
    rebalancing: bool,
    colour_of: &dyn Fn(&str) -> Option<usize>,
    name_of: &dyn Fn(&str) -> String,
) -> Html {
    let colour = p.owner.as_deref().and_then(colour_of);
    let owner = match (&p.owner, &p.revoking_from, &p.assigning_to) {
        (Some(owner), Some(_), _) => trf(lang, "{} (revoking)", &[&name_of(owner)]),
        (None, Some(from), None) => trf(lang, "revoked from {}", &[&name_of(from)]),
        (None, Some(from), Some(to)) => format!("{} → {}", name_of(from), name_of(to)),
        (Some(owner), None, Some(to)) => trf(
            lang,
            "{} → {} (assigning)",
            &[&name_of(owner), &name_of(to)],
        ),
        (Some(owner), None, None) => name_of(owner),
        (None, None, Some(to)) => trf(lang, "→ {} (assigning)", &[&name_of(to)]),
        (None, None, None) if rebalancing => tr(lang, "revoked · waiting").to_string(),
        (None, None, None) => "-".to_string(),
    };
    let moving = if p.revoking_from.is_some() {
        Some("revoking")
    } else if p.assigning_to.is_some() {
        Some("assigning")
    } else if rebalancing && p.owner.is_none() {
        Some("revoking")
    } else {
        None
    };
    html! {
        <tr class={classes!("group-partition", moving)} data-testid="group-partition"
            data-partition={p.partition.to_string()} data-owner={p.owner.as_deref().map(name_of)}
            data-lag={or_dash(p.lag)} data-time-lag-ms={or_dash(p.time_lag_ms)}>
            <th scope="row"><code>{p.partition.to_string()}</code></th>
            <td class={classes!("owner", colour.map(|c| format!("member-colour-{c}")))}
                title={(rebalancing && p.owner.is_none() && p.assigning_to.is_none())
                    .then_some(tr(lang, "Revoked: nobody holds it until this rebalance gives it out"))}>
                if colour.is_some() { <span class="swatch" aria-hidden="true"></span> }
                {owner}
            </td>
            <td class="num">{or_dash(p.committed)}</td>
            <td class="num">{or_dash(p.log_end_offset)}</td>
            <td class={classes!("num", p.lag.is_some_and(|l| l > 0).then_some("lagging"))}>{or_dash(p.lag)}</td>
            <td class="num">{p.time_lag_ms.map_or("-".to_string(), duration_text)}</td>
            <td class="num">{or_dash(p.position)}</td>
        </tr>
    }
}
