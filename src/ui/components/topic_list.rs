//! The list of topics with their ids and partitions, a button that produces ten records to each,
//! and how the last produce went under its topic. Kafka's internal topics (`__consumer_offsets`,
//! 50 partitions) are folded into one line until asked for.

use crate::i18n::{tr, trf, Lang};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use crate::ui::produce::{next_produce_script, ProduceOutcome, PRODUCE_BATCH};
use crate::ui::store::Action;
use yew::prelude::*;

#[component]
pub fn TopicList() -> Html {
    let lang = use_lang();
    let show_internal = use_state(|| false);
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    let cluster = store.cluster();
    let internal = cluster
        .topics()
        .filter(|t| t.name.starts_with("__"))
        .count();
    let topics: Vec<Html> = cluster
        .topics()
        .filter(|topic| *show_internal || !topic.name.starts_with("__"))
        .map(|topic| {
            let partitions = topic.partitions.iter().map(|p| {
                let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
                let preferred = p.replicas.first().copied();
                let moved = p.leader.is_some() && p.leader != preferred;
                let join = |ids: &[i32]| ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
                let title = format!(
                    "{}-{}: Leader: {leader}\tReplicas: {}\tIsr: {}{}",
                    topic.name,
                    p.partition,
                    join(&p.replicas),
                    join(&p.isr),
                    if moved { tr(lang, " (not the preferred leader)") } else { "" }
                );
                html! {
                    <li class={classes!("partition", p.leader.is_none().then_some("offline"),
                            (p.isr.len() < p.replicas.len()).then_some("under-replicated"))}
                        {title} data-partition={p.partition.to_string()} data-leader={leader.clone()}>
                        {format!("P{} ", p.partition)}
                        <span class="leader">
                            { p.leader.map_or(tr(lang, "offline").to_string(), |l| format!("L{l}")) }
                        </span>
                        if moved { <span aria-label={tr(lang, "not the preferred leader")}>{"*"}</span> }
                    </li>
                }
            });
            let onclick = {
                let store = store.clone();
                let topic = topic.name.clone();
                Callback::from(move |_: MouseEvent| {
                    store.dispatch(Action::Produce { topic: topic.clone() })
                })
            };
            // The exact script the click runs (acks=all, keys spread by murmur2), as its tooltip.
            let title = next_produce_script(&cluster, &topic.name);
            let outcome = store
                .produce_outcome
                .as_ref()
                .filter(|o| o.topic == topic.name);
            html! {
                <li class="topic" data-testid="topic-row" data-topic={topic.name.clone()}>
                    <div class="topic-head">
                        <strong class="topic-name">{topic.name.clone()}</strong>
                        <code class="muted">{topic.id.to_string()}</code>
                        <button class="produce" {onclick} data-testid={format!("produce-{}", topic.name)}
                            {title}>
                            {trf(lang, "Produce {} records", &[&PRODUCE_BATCH])}
                        </button>
                    </div>
                    <ul class="partitions">{ for partitions }</ul>
                    { outcome.map(|outcome| outcome_view(lang, outcome)) }
                </li>
            }
        })
        .collect();
    let toggle = {
        let show_internal = show_internal.clone();
        Callback::from(move |_: MouseEvent| show_internal.set(!*show_internal))
    };
    html! {
        <div>
            if internal > 0 {
                <button class="internal-toggle" onclick={toggle} aria-expanded={show_internal.to_string()}
                    data-testid="internal-topics">
                    {if *show_internal { "▾ " } else { "▸ " }}
                    {trf(lang, "{} internal topic(s) (__consumer_offsets)", &[&internal])}
                </button>
            }
            if topics.is_empty() {
                <p class="muted" data-testid="no-topics">{tr(lang, "No topics yet. Create one above.")}</p>
            } else {
                <ul class="topics" data-testid="topic-list">{ topics }</ul>
            }
        </div>
    }
}

fn outcome_view(lang: Lang, outcome: &ProduceOutcome) -> Html {
    html! {
        <div class={classes!("outcome", if outcome.ok { "ok" } else { "error" })}
            role={if outcome.ok { "status" } else { "alert" }} data-testid="produce-outcome"
            data-ok={outcome.ok.to_string()}>
            <div>{outcome.message.text(lang)}</div>
            if !outcome.lines.is_empty() {
                <ul class="notes">{ for outcome.lines.iter().map(|l| html! { <li><code>{l.clone()}</code></li> }) }</ul>
            }
        </div>
    }
}
