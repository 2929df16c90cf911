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
                html! {
                    <li class="partition" title={format!("{}-{}: leader {leader}", topic.name, p.partition)}>
                        {format!("P{}", p.partition)}
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
