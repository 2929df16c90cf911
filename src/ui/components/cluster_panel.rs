//! The cluster panel: the cluster id and each broker with the partitions it leads.

use crate::ui::store::StoreHandle;
use yew::prelude::*;

#[component]
pub fn ClusterPanel() -> Html {
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let cluster = &store.cluster;
    // Until the KRaft quorum exists (issue #6) the controller is simply the lowest node id.
    let controller = cluster.brokers().map(|b| b.node_id).min();
    let brokers = cluster.brokers().map(|broker| {
        let led = cluster
            .topics()
            .flat_map(|t| t.partitions.iter().map(move |p| (t, p)))
            .filter(|(_, p)| p.leader == Some(broker.node_id))
            .count();
        html! {
            <li class="broker running" data-testid={format!("broker-{}", broker.node_id)}>
                <svg class="broker-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
                    <rect x="3" y="3" width="18" height="18" rx="3" />
                </svg>
                <div>
                    <strong>{format!("Broker {}", broker.node_id)}</strong>
                    <span class="badge">{"running"}</span>
                    if controller == Some(broker.node_id) {
                        <span class="badge controller">{"active controller"}</span>
                    }
                    <div class="muted">{format!("leader of {led} partition(s)")}</div>
                </div>
            </li>
        }
    });
    html! {
        <section class="panel" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading">{"Cluster"}</h2>
            <p class="muted">{"Cluster id "}<code>{cluster.cluster_id().to_string()}</code></p>
            <ul class="brokers">{ for brokers }</ul>
        </section>
    }
}
