//! The form that starts a background producer. It builds the `producer start …` line a person
//! would type (shown live under the form), checks it with the parsers the CLI uses, and runs it
//! through the terminal's path, so the terminal shows the command and its answer; the answer
//! (a refusal in the tool's words, too) is read back from the transcript and shown here.

use crate::i18n::tr;
use crate::ui::form::field_setter;
use crate::ui::prefs::use_lang;
use crate::ui::producers::{
    answer_to, next_producer_name, producible_topics, CommandAnswer, ProducerFields,
    DEFAULT_BATCH_SIZE, DEFAULT_LINGER_MS,
};
use crate::ui::store::{Action, StoreHandle};
use crate::ui::terminal::session::CommandRequest;
use yew::prelude::*;

#[component]
pub fn ProducerForm() -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    // Name and topic empty: the next free `pN` and the first topic.
    let fields = use_state(|| ProducerFields {
        name: String::new(),
        ..ProducerFields::default()
    });
    let submitted = use_state(|| None::<String>);
    let Some(store) = store else {
        return html! {};
    };
    let cluster = &store.cluster();
    let topics = producible_topics(cluster);
    let auto_name = next_producer_name(cluster);
    let mut effective = (*fields).clone();
    if effective.name.trim().is_empty() {
        effective.name = auto_name.clone();
    }
    if !topics.contains(&effective.topic) {
        effective.topic = topics.first().cloned().unwrap_or_default();
    }
    let line = effective.command();
    let check = effective.check();

    let on_submit = {
        let (store, fields, submitted, line) = (
            store.clone(),
            fields.clone(),
            submitted.clone(),
            line.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            store.dispatch(Action::RunCommand(CommandRequest::typed(&line)));
            submitted.set(Some(line.clone()));
            // The next producer gets the next free name.
            fields.set(ProducerFields {
                name: String::new(),
                ..(*fields).clone()
            });
        })
    };
    let answer = submitted
        .as_deref()
        .and_then(|line| answer_to(&store.terminal, line));
    // Once this very line ran, its answer says it all (a refusal in the same words as the check).
    let answered = answer.is_some() && submitted.as_deref() == Some(line.as_str());
    let idempotence_default = if effective.acks == "all" {
        tr(lang, "default (true)")
    } else {
        tr(lang, "default (false: acks is not all)")
    };
    let no_topics = topics.is_empty();
    html! {
        <form class="producer-form" onsubmit={on_submit} aria-label={tr(lang, "Start a producer")}>
            <div class="producer-fields">
                <label>{tr(lang, "Name")}
                    <input data-testid="producer-name" value={fields.name.clone()} placeholder={auto_name}
                        oninput={field_setter::<_, InputEvent>(&fields, |f, v| f.name = v)} autocomplete="off" spellcheck="false" />
                </label>
                <label>{tr(lang, "Topic")}
                    <select data-testid="producer-topic" onchange={field_setter::<_, Event>(&fields, |f, v| f.topic = v)}
                        disabled={no_topics}>
                        { for topics.iter().map(|t| html! {
                            <option value={t.clone()} selected={*t == effective.topic}>{t.clone()}</option>
                        }) }
                    </select>
                </label>
                <label>{tr(lang, "Rate (records/s)")}
                    <input data-testid="producer-rate" type="number" min="0" value={fields.rate.clone()}
                        oninput={field_setter::<_, InputEvent>(&fields, |f, v| f.rate = v)} />
                </label>
                <label title={tr(lang, "none: keyless (the sticky partitioner); {n} is the record number, {n%K} it modulo K")}>
                    {tr(lang, "Keys")}
                    <input data-testid="producer-keys" value={fields.keys.clone()} placeholder="none"
                        oninput={field_setter::<_, InputEvent>(&fields, |f, v| f.keys = v)} autocomplete="off" spellcheck="false" />
                </label>
                <label>{"acks"}
                    <select data-testid="producer-acks" onchange={field_setter::<_, Event>(&fields, |f, v| f.acks = v)}>
                        <option value="all" selected={fields.acks == "all"}>{tr(lang, "all (default)")}</option>
                        <option value="1" selected={fields.acks == "1"}>{"1"}</option>
                        <option value="0" selected={fields.acks == "0"}>{"0"}</option>
                    </select>
                </label>
                <label>{"linger.ms"}
                    <input data-testid="producer-linger" type="number" min="0" value={fields.linger_ms.clone()}
                        placeholder={DEFAULT_LINGER_MS} oninput={field_setter::<_, InputEvent>(&fields, |f, v| f.linger_ms = v)} />
                </label>
                <label>{"batch.size"}
                    <input data-testid="producer-batch-size" type="number" min="0" value={fields.batch_size.clone()}
                        placeholder={DEFAULT_BATCH_SIZE} oninput={field_setter::<_, InputEvent>(&fields, |f, v| f.batch_size = v)} />
                </label>
                <label>{"enable.idempotence"}
                    <select data-testid="producer-idempotence" onchange={field_setter::<_, Event>(&fields, |f, v| f.idempotence = v)}>
                        <option value="" selected={fields.idempotence.is_empty()}>{idempotence_default}</option>
                        <option value="true" selected={fields.idempotence == "true"}>{"true"}</option>
                        <option value="false" selected={fields.idempotence == "false"}>{"false"}</option>
                    </select>
                </label>
                <button type="submit" data-testid="start-producer" disabled={no_topics}>{tr(lang, "Start")}</button>
            </div>
            if no_topics {
                <p class="muted" data-testid="producer-no-topics">
                    {tr(lang, "No topic to produce to yet: create one in the Topics panel.")}
                </p>
            } else {
                <pre class="command-preview" aria-label={tr(lang, "The command this form runs")}><code data-testid="producer-command">{format!("$ {line}")}</code></pre>
            }
            if let (false, false, Err(message)) = (no_topics, answered, &check) {
                <div class="outcome error" role="alert" data-testid="producer-check">{message.clone()}</div>
            }
            if let Some(answer) = answer { { answer_view(answer) } }
        </form>
    }
}

fn answer_view(answer: CommandAnswer) -> Html {
    html! {
        <div class={classes!("outcome", if answer.ok { "ok" } else { "error" })}
            role={if answer.ok { "status" } else { "alert" }} data-testid="producer-answer"
            data-ok={answer.ok.to_string()}>
            { for answer.lines.iter().map(|l| html! { <div>{l.clone()}</div> }) }
        </div>
    }
}
