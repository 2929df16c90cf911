//! The consumer groups panel: the form that adds a background consumer, and a card per group
//! (`GroupCard`) drawn from the engine's read-only `Cluster::group_overviews`. It owns the lag
//! history the cards' sparklines draw (samples taken as sim time moves, kept in component state)
//! and turns every action into a command line run in the terminal, so the terminal shows the
//! command and its output and the person learns the command language.

use super::consumer_form::ConsumerForm;
use super::group_card::{GroupCard, WaitingConsumer};
use super::lag_sparkline::LagHistory;
use crate::engine::client::background_consumer::BackgroundConsumer;
use crate::engine::group::overview::GroupOverview;
use crate::engine::topic::is_internal;
use crate::i18n::{tr, trf, Lang};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use crate::ui::store::Action;
use crate::ui::terminal::session::CommandRequest;
use crate::ui::terminal::{LineKind, Prompt, Transcript};
use yew::prelude::*;

/// What the terminal printed for the last run of `line`: whether it went well (nothing on
/// stderr) and its lines. `None` when the line is not in the scrollback (any more).
pub fn command_outcome(transcript: &Transcript, line: &str) -> Option<(bool, Vec<String>)> {
    let lines: Vec<_> = transcript.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| l.kind == LineKind::Typed(Prompt::Shell) && l.text == line)?;
    let output: Vec<_> = lines[start + 1..]
        .iter()
        .take_while(|l| !matches!(l.kind, LineKind::Typed(_)))
        .collect();
    let ok = output.iter().all(|l| l.kind != LineKind::Stderr);
    Some((ok, output.iter().map(|l| l.text.clone()).collect()))
}

/// `consumer-N`, the first such name no running consumer has.
pub fn next_consumer_name<'a>(running: impl Iterator<Item = &'a String> + Clone) -> String {
    (1..)
        .map(|n| format!("consumer-{n}"))
        .find(|name| !running.clone().any(|r| r == name))
        .unwrap_or_default()
}

/// Our background consumers of `group` that are not among its members: joining, or stopped by
/// an error.
fn waiting_consumers<'a>(
    lang: Lang,
    group: &GroupOverview,
    consumers: impl Iterator<Item = (&'a String, &'a BackgroundConsumer)>,
) -> Vec<WaitingConsumer> {
    consumers
        .filter(|(_, c)| c.spec.config.group_id.as_deref() == Some(group.group_id.as_str()))
        .filter(|(name, _)| {
            !group
                .members
                .iter()
                .any(|m| m.consumer_name.as_deref() == Some(name.as_str()))
        })
        .map(|(name, c)| WaitingConsumer {
            name: name.clone(),
            note: match (&c.consumer.fatal, &c.last_error) {
                (Some(e), _) => trf(lang, "failed: {}", &[&e.code.exception_class()]),
                (None, Some(e)) => trf(lang, "joining (last error: {})", &[&e.code.name()]),
                (None, None) => tr(lang, "joining…").to_string(),
            },
        })
        .collect()
}

#[component]
pub fn GroupsPanel() -> Html {
    let lang = use_lang();
    let store = use_slow_store();
    let history = use_mut_ref(LagHistory::default);
    // The last line this panel ran, to show what it printed.
    let last_line = use_state(|| None::<String>);
    let Some(store) = store else {
        return html! {};
    };
    let cluster = &store.cluster();
    let overviews = cluster.group_overviews();
    let lags: Vec<(String, i64)> = overviews
        .iter()
        .map(|o| (o.group_id.clone(), o.total_lag()))
        .collect();
    // Rendering at a new sim time takes a sample; renders at the same time change nothing.
    history
        .borrow_mut()
        .record(cluster.now().as_millis(), &lags);
    let on_command = {
        let (store, last_line) = (store.clone(), last_line.clone());
        Callback::from(move |line: String| {
            store.dispatch(Action::RunCommand(CommandRequest::typed(&line)));
            last_line.set(Some(line));
        })
    };
    let consumers = cluster.background_consumers();
    let topics: Vec<String> = cluster
        .topics()
        .filter(|t| !is_internal(&t.name))
        .map(|t| t.name.clone())
        .collect();
    let groups: Vec<String> = overviews.iter().map(|o| o.group_id.clone()).collect();
    let outcome = last_line
        .as_deref()
        .and_then(|line| Some((line, command_outcome(&store.terminal, line)?)));
    let (form_outcome, panel_outcome) = match outcome {
        Some((line, o)) if line.starts_with("consumer start") => (Some(o), None),
        Some((_, o)) => (None, Some(o)),
        None => (None, None),
    };
    let cards = overviews.iter().map(|o| {
        html! {
            <GroupCard key={o.group_id.clone()} overview={o.clone()}
                samples={history.borrow().samples(&o.group_id)}
                waiting={waiting_consumers(lang, o, consumers.iter())}
                on_command={on_command.clone()} />
        }
    });
    html! {
        <section class="panel groups-panel" aria-labelledby="groups-heading" data-testid="groups-panel">
            <h2 id="groups-heading">{tr(lang, "Consumer groups")}</h2>
            <ConsumerForm {groups} {topics} default_name={next_consumer_name(consumers.keys())}
                on_start={on_command.clone()} outcome={form_outcome} />
            if let Some((ok, lines)) = panel_outcome {
                <div class={classes!("outcome", if ok { "ok" } else { "error" })}
                    role={if ok { "status" } else { "alert" }} data-testid="groups-outcome">
                    { for lines.iter().map(|l| html! { <div>{l.clone()}</div> }) }
                </div>
            }
            if overviews.is_empty() {
                <p class="muted" data-testid="no-groups">
                    {tr(lang, "No consumer groups yet. Start a consumer above, or run ")}
                    <code>{"kafka-console-consumer.sh --group …"}</code>{tr(lang, " in the terminal.")}
                </p>
            } else {
                <div class="group-cards">{ for cards }</div>
            }
        </section>
    }
}
