//! The Producers panel: the form that starts a background producer (`producer start …`) and
//! one card per running producer. Everything it does goes through the command language, so
//! the terminal shows each command and its answer.

use super::producer_card::ProducerCard;
use super::producer_form::ProducerForm;
use crate::i18n::tr;
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use yew::prelude::*;

#[component]
pub fn ProducersPanel() -> Html {
    let lang = use_lang();
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    let cluster = &store.cluster();
    let names: Vec<String> = cluster.background_producers().keys().cloned().collect();
    html! {
        <section class="panel producers-panel" aria-labelledby="producers-heading">
            <h2 id="producers-heading">{tr(lang, "Producers")}</h2>
            <p class="muted">
                {tr(lang, "Producers that keep sending while simulated time passes, as ")}
                <code>{"kafka-producer-perf-test.sh"}</code>{tr(lang, " does to a real cluster.")}
            </p>
            <ProducerForm />
            if names.is_empty() {
                <p class="muted" data-testid="no-producers">{tr(lang, "No producer running.")}</p>
            } else {
                <ul class="producer-cards" data-testid="producer-cards">
                    { for names.into_iter().map(|name| html! {
                        <ProducerCard key={name.clone()} name={AttrValue::from(name.clone())} />
                    }) }
                </ul>
            }
        </section>
    }
}
