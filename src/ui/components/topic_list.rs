//! The list of topics with their ids and partitions.

use crate::ui::store::StoreHandle;
use yew::prelude::*;

#[component]
pub fn TopicList() -> Html {
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let topics: Vec<Html> = store
        .cluster
        .topics()
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
                    if moved { " (not the preferred leader)" } else { "" }
                );
                html! {
                    <li class={classes!("partition", p.leader.is_none().then_some("offline"),
                            (p.isr.len() < p.replicas.len()).then_some("under-replicated"))}
                        {title} data-partition={p.partition.to_string()} data-leader={leader.clone()}>
                        {format!("P{} ", p.partition)}
                        <span class="leader">
                            { p.leader.map_or("offline".to_string(), |l| format!("L{l}")) }
                        </span>
                        if moved { <span aria-label="not the preferred leader">{"*"}</span> }
                    </li>
                }
            });
            html! {
                <li class="topic" data-testid="topic-row" data-topic={topic.name.clone()}>
                    <div class="topic-head">
                        <strong class="topic-name">{topic.name.clone()}</strong>
                        <code class="muted">{topic.id.to_string()}</code>
                    </div>
                    <ul class="partitions">{ for partitions }</ul>
                </li>
            }
        })
        .collect();
    html! {
        <div>
            if topics.is_empty() {
                <p class="muted" data-testid="no-topics">{"No topics yet. Create one above."}</p>
            } else {
                <ul class="topics" data-testid="topic-list">{ topics }</ul>
            }
        </div>
    }
}
