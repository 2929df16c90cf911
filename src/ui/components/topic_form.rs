//! The form that creates a topic. The cluster, not the form, judges the name: whatever Kafka's
//! controller would answer is what the person sees.

use crate::i18n::tr;
use crate::ui::prefs::use_lang;
use crate::ui::share::create_topic_line;
use crate::ui::store::{Action, Outcome, StoreHandle};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component]
pub fn TopicForm() -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    let name = use_state(String::new);
    // As typed: the field keeps what the person wrote while it is not (yet) a number.
    let partitions_text = use_state(|| "1".to_string());
    let partitions = parse_partitions(&partitions_text);
    // Edited since the last submit: the last answer was about other values, so it is hidden.
    let edited = use_state(|| false);
    // Empty: the broker's `default.replication.factor` (1), as `kafka-topics.sh` without
    // `--replication-factor`.
    let replication_factor = use_state(String::new);

    let on_input = |field: &UseStateHandle<String>| {
        let (field, edited) = (field.clone(), edited.clone());
        Callback::from(move |e: InputEvent| {
            field.set(e.target_unchecked_into::<HtmlInputElement>().value());
            edited.set(true);
        })
    };
    let (on_name, on_partitions) = (on_input(&name), on_input(&partitions_text));
    let on_replication_factor = on_input(&replication_factor);
    let on_submit = {
        let (store, name, edited) = (store.clone(), name.clone(), edited.clone());
        let replication_factor = replication_factor.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            edited.set(false);
            if let Some(store) = &store {
                store.dispatch(Action::CreateTopic {
                    name: (*name).clone(),
                    partitions,
                    replication_factor: parse_replication_factor(&replication_factor),
                });
            }
        })
    };

    let outcome = store
        .as_ref()
        .filter(|_| !*edited)
        .and_then(|s| s.last_outcome.clone());
    // The `kafka-topics.sh --create` line the form runs, shown as it is filled in.
    let line = create_topic_line(
        &name,
        partitions,
        parse_replication_factor(&replication_factor),
    );
    html! {
        <form class="topic-form" onsubmit={on_submit} aria-label={tr(lang, "Create a topic")}>
            <label>{tr(lang, "Name")}
                <input data-testid="topic-name" value={(*name).clone()} oninput={on_name}
                    placeholder="orders" autocomplete="off" spellcheck="false" />
            </label>
            <label>{tr(lang, "Partitions")}
                <input data-testid="topic-partitions" type="number" min="1"
                    value={(*partitions_text).clone()} oninput={on_partitions} />
            </label>
            <label>{tr(lang, "Replication factor")}
                <input data-testid="topic-replication-factor" type="number" min="1"
                    value={(*replication_factor).clone()} oninput={on_replication_factor}
                    placeholder="1" title={tr(lang, "Empty: the broker default (default.replication.factor=1)")} />
            </label>
            <button type="submit" data-testid="create-topic">{tr(lang, "Create topic")}</button>
            <code class="command-preview topic-command" data-testid="topic-command">{format!("$ {line}")}</code>
            { outcome_view(outcome) }
        </form>
    }
}

/// What is not a partition count becomes 0, which the controller refuses with Kafka's message.
fn parse_partitions(text: &str) -> i32 {
    text.trim().parse().unwrap_or(0)
}

/// Empty is the broker default; anything that is not a replication factor becomes 0, which the
/// controller refuses with Kafka's own message.
fn parse_replication_factor(text: &str) -> Option<i16> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(0))
}

fn outcome_view(outcome: Option<Outcome>) -> Html {
    match outcome {
        None => html! {},
        Some(Outcome::Created { message, warning }) => html! {
            <div class="outcome ok" role="status" data-testid="topic-outcome">
                <div>{message}</div>
                if let Some(warning) = warning { <div class="warning">{warning}</div> }
            </div>
        },
        Some(Outcome::Refused { code, message }) => html! {
            <div class="outcome error" role="alert" data-testid="topic-error">
                <code>{code}</code>{" "}{message}
            </div>
        },
        // Broker actions report in the cluster panel.
        Some(Outcome::Done { .. }) => html! {},
    }
}
