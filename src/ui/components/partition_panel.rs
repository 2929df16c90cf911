//! The partition view: pick a topic-partition (internal topics included), see every replica's
//! log side by side as segments with its log start offset, high watermark and log end offset,
//! the chosen replica's segments as a table (files, sizes, record counts, time ranges, index
//! entries) and its records in a virtualised list.

use super::log_lanes::LogLanes;
use super::record_list::RecordList;
use crate::i18n::{tr, trf, Lang};
use crate::ui::format::{bytes, time_of_day};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::partition_view::{replica_logs, LogShape, ReplicaLog, SegmentRow};
use crate::ui::prefs::use_lang;
// The partition being looked at and the replica whose segments and records are listed
// (`replica: None`: the leader, or the first replica when there is none).
use crate::ui::session_clients::PartitionPick as Pick;
use crate::ui::store::{Action, ViewChange};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[component]
pub fn PartitionPanel() -> Html {
    let lang = use_lang();
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    // Kept in the store, so the same partition is open again after a reload
    // (`ui::session_clients`).
    let pick = store.session.partition.clone().unwrap_or_default();
    let set_pick = {
        let store = store.clone();
        Callback::from(move |p: Pick| store.dispatch(Action::View(ViewChange::Partition(p))))
    };
    let cluster = &store.cluster();
    let topics: Vec<(String, i32)> = cluster
        .topics()
        .map(|t| (t.name.clone(), t.partitions.len() as i32))
        .collect();
    if topics.is_empty() {
        return html! {
            <section class="panel partition-panel" aria-labelledby="partition-heading">
                <h2 id="partition-heading">{tr(lang, "Partition")}</h2>
                <p class="muted" data-testid="no-partition">{tr(lang, "Create a topic to see its partitions' logs here.")}</p>
            </section>
        };
    }
    // A pick whose topic is gone (deleted, reset) falls back to the first topic.
    let current = match topics.iter().find(|(name, _)| *name == pick.topic) {
        Some((_, count)) if pick.partition < *count => pick.clone(),
        Some(_) => Pick {
            topic: pick.topic.clone(),
            ..Pick::default()
        },
        // Internal topics are listed too, but a learner's own topic comes first.
        None => Pick {
            topic: topics
                .iter()
                .find(|(name, _)| !name.starts_with("__"))
                .unwrap_or(&topics[0])
                .0
                .clone(),
            ..Pick::default()
        },
    };
    let replicas = replica_logs(cluster, &current.topic, current.partition);
    let shown = current
        .replica
        .filter(|id| replicas.iter().any(|r| r.node_id == *id))
        .or_else(|| replicas.iter().find(|r| r.is_leader).map(|r| r.node_id))
        .or_else(|| replicas.first().map(|r| r.node_id));
    let on_topic = {
        let pick = set_pick.clone();
        Callback::from(move |e: Event| {
            let topic = e.target_unchecked_into::<HtmlSelectElement>().value();
            pick.emit(Pick {
                topic,
                ..Pick::default()
            });
        })
    };
    let on_partition = {
        let (pick, current) = (set_pick.clone(), current.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            pick.emit(Pick {
                partition: value.parse().unwrap_or(0),
                replica: None,
                ..current.clone()
            });
        })
    };
    let on_replica = {
        let (pick, current) = (set_pick.clone(), current.clone());
        Callback::from(move |node_id: i32| {
            pick.emit(Pick {
                replica: Some(node_id),
                ..current.clone()
            });
        })
    };
    let partitions = topics
        .iter()
        .find(|(name, _)| *name == current.topic)
        .map_or(0, |(_, count)| *count);
    let replica = replicas.iter().find(|r| Some(r.node_id) == shown);
    html! {
        <section class="panel partition-panel" aria-labelledby="partition-heading" data-testid="partition-panel">
            <div class="partition-head">
                <h2 id="partition-heading">{tr(lang, "Partition")}</h2>
                <label>{tr(lang, "Topic ")}
                    <select onchange={on_topic} data-testid="partition-topic">
                        { for topics.iter().map(|(name, _)| html! {
                            <option value={name.clone()} selected={*name == current.topic}>{name.clone()}</option>
                        }) }
                    </select>
                </label>
                <label>{tr(lang, "Partition ")}
                    <select onchange={on_partition} data-testid="partition-number">
                        { for (0..partitions).map(|p| html! {
                            <option value={p.to_string()} selected={p == current.partition}>{p}</option>
                        }) }
                    </select>
                </label>
                <code class="muted">{format!("{}-{}", current.topic, current.partition)}</code>
            </div>
            <LogLanes replicas={replicas.clone()} selected={shown} on_select={on_replica} />
            { replica.map(|r| replica_detail(lang, r, &current)).unwrap_or_default() }
        </section>
    }
}

/// The chosen replica: its segments and its records.
fn replica_detail(lang: Lang, replica: &ReplicaLog, pick: &Pick) -> Html {
    let Some(log) = &replica.log else {
        return html! {
            <p class="muted" data-testid="replica-down">
                {trf(lang, "Broker {} is down: its log is closed (the files stay in its log dir).", &[&replica.node_id])}
            </p>
        };
    };
    html! {
        <>
            <h3 class="subhead">{trf(lang, "Segments on broker {}", &[&replica.node_id])}</h3>
            { segment_table(lang, log, &pick.topic, pick.partition) }
            <h3 class="subhead">{trf(lang, "Records on broker {}", &[&replica.node_id])}</h3>
            <RecordList topic={pick.topic.clone()} partition={pick.partition} node_id={replica.node_id}
                log_start_offset={log.log_start_offset} log_end_offset={log.log_end_offset}
                high_watermark={log.high_watermark} />
        </>
    }
}

fn segment_table(lang: Lang, log: &LogShape, topic: &str, partition: i32) -> Html {
    let dir = format!("{topic}-{partition}");
    html! {
        <div class="table-scroll">
            <table class="segments" data-testid="segment-table">
                <caption class="muted">
                    {trf(lang, "{}/: {} segment(s), {} in all. ", &[&dir, &log.segments.len(),
                        &bytes(log.segments.iter().map(|s| i64::from(s.size_bytes)).sum())])}
                    {tr(lang, "Each is a .log file with its .index (offset → position) and .timeindex (timestamp → offset).")}
                </caption>
                <thead><tr>
                    <th scope="col">{tr(lang, "File")}</th>
                    <th scope="col" class="num">{tr(lang, "Offsets")}</th>
                    <th scope="col" class="num">{tr(lang, "Records")}</th>
                    <th scope="col" class="num">{tr(lang, "Size")}</th>
                    <th scope="col">{tr(lang, "Time range")}</th>
                    <th scope="col" class="num" title={tr(lang, ".index and .timeindex entries: one per index.interval.bytes (4096) appended")}>{tr(lang, "Index entries")}</th>
                </tr></thead>
                <tbody>{ for log.segments.iter().map(|s| segment_row(lang, s)) }</tbody>
            </table>
        </div>
    }
}

fn segment_row(lang: Lang, segment: &SegmentRow) -> Html {
    let offsets = if segment.next_offset > segment.base_offset {
        format!("{}–{}", segment.base_offset, segment.next_offset - 1)
    } else {
        format!("{}–", segment.base_offset)
    };
    let times = match (segment.first_timestamp, segment.max_timestamp) {
        (Some(first), Some(max)) => format!("{} – {}", time_of_day(first), time_of_day(max)),
        _ => tr(lang, "empty").to_string(),
    };
    html! {
        <tr class={classes!(segment.active.then_some("active"))} data-testid="segment-row"
            data-base-offset={segment.base_offset.to_string()}>
            <th scope="row"><code>{format!("{:020}.log", segment.base_offset)}</code>
                if segment.active { <span class="badge active-segment">{tr(lang, "active")}</span> }
            </th>
            <td class="num">{offsets}</td>
            <td class="num">{segment.record_count}</td>
            <td class="num">{bytes(i64::from(segment.size_bytes))}</td>
            <td>{times}</td>
            <td class="num">{format!("{} / {}", segment.offset_index_entries, segment.time_index_entries)}</td>
        </tr>
    }
}
