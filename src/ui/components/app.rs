//! The page: a header, the cluster panel and the topics panel, around the store's context.

use super::cluster_panel::ClusterPanel;
use super::topic_form::TopicForm;
use super::topic_list::TopicList;
use crate::ui::store::{Store, StoreHandle};
use yew::prelude::*;

#[component]
pub fn App() -> Html {
    let store = use_reducer(Store::default);
    // A performance mark the end-to-end suite reads as "time to first render".
    use_effect_with((), |_| {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("kplay-first-render");
        }
    });
    html! {
        <ContextProvider<StoreHandle> context={store}>
            <header class="app-header">
                <h1>{"Kafka Playground"}</h1>
                <p class="tagline">{"A Kafka 4.1 cluster (KRaft) running in your browser"}</p>
            </header>
            <main class="layout">
                <ClusterPanel />
                <section class="panel" aria-labelledby="topics-heading">
                    <h2 id="topics-heading">{"Topics"}</h2>
                    <TopicForm />
                    <TopicList />
                </section>
            </main>
        </ContextProvider<StoreHandle>>
    }
}
