//! The config editor: pick a topic, a broker or every broker (the cluster default); a table of
//! its configs with Kafka's names, the current value, Kafka's default, the playground's default
//! where it differs, the source and the departures from Kafka (`ui::config_table`). Editing a
//! value shows the `kafka-configs.sh --alter … --add-config k=v` line it will run (or
//! `--delete-config k`); Set runs it through the terminal, and the tool's answer — Kafka's own
//! message for a bad value — shows next to the field. Below, the producer and consumer configs
//! the playground's `producer start` / `consumer start` take, with Kafka's defaults, read-only.

use crate::i18n::{tr, trf, Lang};
use crate::ui::config_table::{
    add_config_line, config_rows, consumer_rows, delete_config_line, departure, entities,
    producer_rows, ClientConfigRow, ConfigEntity, ConfigRow, FIXED_BROKER_CONFIGS,
};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use crate::ui::producers::{answer_to, CommandAnswer};
use crate::ui::store::Action;
use crate::ui::terminal::session::CommandRequest;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The value being typed into one row.
#[derive(Debug, Clone, PartialEq, Default)]
struct Draft {
    name: String,
    value: String,
}

#[component]
pub fn ConfigEditor() -> Html {
    let lang = use_lang();
    let store = use_slow_store();
    let picked = use_state(|| None::<ConfigEntity>);
    let filter = use_state(String::new);
    // The row and the line last run from this editor, to show the tool's answer beside it.
    let ran = use_state(|| None::<(String, String)>);
    // One callback for the editor's life, so that the table below re-renders only when its rows,
    // the filter or an answer change — not on every playback frame.
    let on_run = {
        let (store, ran) = (store.clone(), ran.clone());
        use_callback((), move |(name, line): (String, String), _| {
            if let Some(store) = &store {
                store.dispatch(Action::RunCommand(CommandRequest::typed(&line)));
            }
            ran.set(Some((name, line)));
        })
    };
    let Some(store) = store else {
        return html! {};
    };
    let cluster = &store.cluster();
    let all = entities(cluster);
    let entity = picked
        .as_ref()
        .filter(|e| all.contains(e))
        .cloned()
        .unwrap_or_else(|| all[0].clone());
    let rows = config_rows(cluster, &entity);
    let on_pick = {
        let (picked, ran) = (picked.clone(), ran.clone());
        Callback::from(move |e: Event| {
            let key = e.target_unchecked_into::<HtmlInputElement>().value();
            picked.set(ConfigEntity::from_key(&key));
            ran.set(None);
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let answer = ran
        .as_ref()
        .and_then(|(name, line)| answer_to(&store.terminal, line).map(|a| (name.clone(), a)));
    let needle = filter.trim().to_lowercase();
    html! {
        <section class="panel config-editor" aria-labelledby="configs-heading">
            <h2 id="configs-heading">{tr(lang, "Configs")}</h2>
            <div class="config-pick">
                <label>{tr(lang, "Entity")}
                    <select data-testid="config-entity" onchange={on_pick}>
                        { for all.iter().map(|e| html! {
                            <option value={e.key()} selected={*e == entity}>{e.label(lang)}</option>
                        }) }
                    </select>
                </label>
                <label>{tr(lang, "Filter")}
                    <input data-testid="config-filter" value={(*filter).clone()} oninput={on_filter}
                        placeholder={tr(lang, "e.g. retention")} spellcheck="false" autocomplete="off" />
                </label>
            </div>
            { match rows {
                Err(message) => html! { <p class="outcome error" role="alert">{message}</p> },
                Ok(rows) => html! {
                    <ConfigTable key={entity.key()} entity={entity.clone()} rows={Rc::new(rows)}
                        {needle} {answer} {on_run} />
                },
            } }
            if matches!(entity, ConfigEntity::AllBrokers | ConfigEntity::Broker(_)) {
                <p class="muted" data-testid="fixed-broker-configs">
                    <span class="badge departure">{tr(lang, "departure")}</span>
                    {tr(lang, " Fixed at Kafka 4.1's defaults here, not editable yet: ")}
                    { for FIXED_BROKER_CONFIGS.iter().enumerate().map(|(i, name)| html! {
                        <>{ if i > 0 { ", " } else { "" } }<code>{*name}</code></>
                    }) }
                </p>
            }
            <ClientConfigs />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ConfigTableProps {
    entity: ConfigEntity,
    rows: Rc<Vec<ConfigRow>>,
    /// Only rows whose name contains it (lower case); all when empty.
    needle: String,
    /// The row the last line ran from, and the tool's answer.
    answer: Option<(String, CommandAnswer)>,
    /// Runs `(row name, line)` through the terminal.
    on_run: Callback<(String, String)>,
}

/// The table of one entity's configs; it keeps the value being typed (keyed by the entity, so
/// picking another starts afresh).
#[component]
fn ConfigTable(props: &ConfigTableProps) -> Html {
    let lang = use_lang();
    let draft = use_state(Draft::default);
    let ctx = RowContext {
        lang,
        on_run: &props.on_run,
        draft: &draft,
        entity: &props.entity,
        answer: props.answer.as_ref(),
    };
    let needle = &props.needle;
    html! {
        <div class="config-table-wrap">
            <table class="config-table" data-testid="config-table">
                <thead><tr>
                    <th scope="col">{tr(lang, "Config")}</th>
                    <th scope="col">{tr(lang, "Value")}</th>
                    <th scope="col">{tr(lang, "Kafka default")}</th>
                    <th scope="col">{tr(lang, "Playground default")}</th>
                    <th scope="col" title={tr(lang, "As kafka-configs.sh --describe --all prints it")}>{tr(lang, "Source")}</th>
                </tr></thead>
                <tbody>
                    { for props.rows.iter().filter(|r| needle.is_empty() || r.name.contains(needle.as_str()))
                        .map(|row| row_view(&ctx, row)) }
                </tbody>
            </table>
        </div>
    }
}

/// What a row needs from the table: how to run a line, the typed value, the last answer.
struct RowContext<'a> {
    lang: Lang,
    on_run: &'a Callback<(String, String)>,
    draft: &'a UseStateHandle<Draft>,
    entity: &'a ConfigEntity,
    answer: Option<&'a (String, CommandAnswer)>,
}

/// Runs `line` through the terminal and remembers it as this row's, for its answer.
fn run_line<E: 'static>(
    ctx: &RowContext,
    name: &str,
    line: String,
    prevent: fn(&E),
) -> Callback<E> {
    let (on_run, name) = (ctx.on_run.clone(), name.to_string());
    Callback::from(move |e: E| {
        prevent(&e);
        on_run.emit((name.clone(), line.clone()));
    })
}

/// One config: its name (and departure), the value field with Set and Delete, the line an edit
/// runs, the tool's answer, Kafka's and the playground's defaults, the source.
fn row_view(ctx: &RowContext, row: &ConfigRow) -> Html {
    let (draft, entity, lang) = (ctx.draft, ctx.entity, ctx.lang);
    let editing = draft.name == row.name;
    let value = if editing {
        draft.value.clone()
    } else {
        row.value.clone()
    };
    let changed = editing && draft.value.trim() != row.value;
    let line = add_config_line(entity, &row.name, &value);
    let on_input = {
        let (draft, name) = (draft.clone(), row.name.clone());
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            draft.set(Draft {
                name: name.clone(),
                value,
            });
        })
    };
    let delete = delete_config_line(entity, &row.name);
    let on_delete = run_line::<MouseEvent>(ctx, &row.name, delete.clone(), |_| {});
    let on_submit = run_line::<SubmitEvent>(ctx, &row.name, line.clone(), |e| e.prevent_default());
    let answer = ctx
        .answer
        .filter(|(name, _)| *name == row.name)
        .map(|(_, a)| a);
    html! {
        <tr data-testid={format!("config-row-{}", row.name)} data-source={row.source}
            class={classes!(row.overridden.then_some("overridden"), row.departure.is_some().then_some("departure"))}>
            <th scope="row"><code>{row.name.clone()}</code>
                if let Some(note) = departure(lang, &row.name) {
                    <span class="badge departure" title={note} data-testid={format!("departure-{}", row.name)}>{tr(lang, "departure")}</span>
                }
            </th>
            <td>
                <form class="config-value" onsubmit={on_submit}
                    aria-label={trf(lang, "Set {}", &[&row.name])}>
                    <input value={value} oninput={on_input} disabled={row.read_only}
                        aria-label={trf(lang, "{} value", &[&row.name])} spellcheck="false" autocomplete="off"
                        data-testid={format!("config-input-{}", row.name)}
                        title={if row.read_only { tr(lang, "read-only: set in server.properties, not at runtime") } else { "" }} />
                    if row.read_only {
                        <span class="muted" title={tr(lang, "Kafka's update mode: read-only (server.properties, then a restart)")}>{tr(lang, "read-only")}</span>
                    } else {
                        <button type="submit" disabled={!changed} data-testid={format!("config-set-{}", row.name)}>{tr(lang, "Set")}</button>
                    }
                    if row.overridden && !row.read_only {
                        <button type="button" onclick={on_delete} data-testid={format!("config-delete-{}", row.name)}
                            title={format!("$ {delete}")}>{tr(lang, "Delete")}</button>
                    }
                </form>
                if changed {
                    <code class="command-preview" data-testid="config-command">{format!("$ {line}")}</code>
                }
                if let Some(answer) = answer {
                    <div class={classes!("outcome", if answer.ok { "ok" } else { "error" })}
                        role={if answer.ok { "status" } else { "alert" }} data-testid="config-answer"
                        data-ok={answer.ok.to_string()}>
                        { for answer.lines.iter().map(|l| html! { <div>{l.clone()}</div> }) }
                    </div>
                }
            </td>
            <td><code>{row.kafka_default.clone()}</code></td>
            <td>{ match &row.playground_default {
                Some(v) => html! { <code>{v.clone()}</code> },
                None => html! { <span class="muted">{tr(lang, "same")}</span> },
            } }</td>
            <td><code class="source">{row.source}</code></td>
        </tr>
    }
}

/// The producer and consumer configs, read-only, pointing to the forms that set them (a
/// component without props: it renders once).
#[component]
fn ClientConfigs() -> Html {
    let lang = use_lang();
    let table = |rows: Vec<ClientConfigRow>| {
        html! {
            <table class="config-table client">
                <thead><tr><th scope="col">{tr(lang, "Config")}</th><th scope="col">{tr(lang, "Kafka default")}</th><th scope="col">{tr(lang, "Set with")}</th></tr></thead>
                <tbody>
                    { for rows.into_iter().map(|r| html! {
                        <tr><th scope="row"><code>{r.name}</code></th><td><code>{r.kafka_default}</code></td><td><code>{r.flag}</code></td></tr>
                    }) }
                </tbody>
            </table>
        }
    };
    html! {
        <details class="client-configs" data-testid="client-configs">
            <summary>{tr(lang, "Producer and consumer configs")}</summary>
            <p class="muted">{tr(lang, "Client configs belong to each client: set them in the Producers form (")}
                <code>{"producer start"}</code>{tr(lang, ") and the Consumer groups form (")}<code>{"consumer start"}</code>{tr(lang, ").")}</p>
            <h3>{tr(lang, "Producer")}</h3>
            { table(producer_rows()) }
            <h3>{tr(lang, "Consumer")}</h3>
            { table(consumer_rows(lang)) }
        </details>
    }
}
