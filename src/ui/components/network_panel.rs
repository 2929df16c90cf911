//! The Network panel: the brokers as nodes of a small SVG and the links between them, each drawn
//! in its state (cut, delayed, lossy); two pickers choose a link (clicking a link picks it too)
//! and the buttons run `network partition|heal|delay|drop` — or `network heal` for every link —
//! through the terminal, each with its command line shown beside it. What follows (the ISR
//! shrinking on the broker cards, the controller's decisions) shows in the cards and the event
//! log (`user network partition 1 2`, `ctl t-0 isr 1,2,3->1,2 …`).

use crate::engine::Cluster;
use crate::i18n::{tr, trf, Lang};
use crate::ui::form::field_setter;
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::network_view::{
    links, network_line, node_ids, node_position, LinkView, NetworkVerb,
};
use crate::ui::prefs::use_lang;
use crate::ui::producers::answer_to;
use crate::ui::store::{Action, StoreHandle};
use crate::ui::terminal::session::CommandRequest;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The panel's own fields: the picked nodes and the typed amounts.
#[derive(Debug, Clone, PartialEq)]
struct Fields {
    a: i32,
    b: i32,
    delay_ms: String,
    loss_percent: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            a: 1,
            b: 2,
            delay_ms: "100".to_string(),
            loss_percent: "10".to_string(),
        }
    }
}

#[component]
pub fn NetworkPanel() -> Html {
    let lang = use_lang();
    let store = use_slow_store();
    let fields = use_state(Fields::default);
    let ran = use_state(|| None::<String>);
    let Some(store) = store else {
        return html! {};
    };
    let cluster = &store.cluster();
    let nodes = node_ids(cluster);
    let links = links(cluster);
    let f = (*fields).clone();
    let action = |verb: NetworkVerb, label: &'static str, testid: &'static str| {
        action_row(&store, &ran, &f, (verb, label, testid))
    };
    let pick = |which: &'static str| {
        let fields = fields.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = (*fields).clone();
            let id = value.parse().unwrap_or(0);
            if which == "a" {
                next.a = id
            } else {
                next.b = id
            }
            fields.set(next);
        })
    };
    let select = |which: &'static str, current: i32| {
        html! {
            <select data-testid={format!("network-node-{which}")} onchange={pick(which)}>
                { for nodes.iter().map(|&id| html! {
                    <option value={id.to_string()} selected={id == current}>{trf(lang, "Broker {}", &[&id])}</option>
                }) }
            </select>
        }
    };
    let answer = ran
        .as_deref()
        .and_then(|line| answer_to(&store.terminal, line));
    html! {
        <section class="panel network-panel" aria-labelledby="network-heading">
            <h2 id="network-heading">{tr(lang, "Network")}</h2>
            <p class="muted">
                {tr(lang, "Links between brokers: cut one, slow it down or make it lose messages, and watch followers fall out of the ISR (replica.lag.time.max.ms), or brokers cut off from the controller get fenced, on the broker cards and in the event log.")}
            </p>
            { network_svg(lang, cluster, &links, &f, &fields) }
            <div class="network-form" role="group" aria-label={tr(lang, "Fault on a link")}>
                <label>{tr(lang, "From")}{ select("a", f.a) }</label>
                <label>{tr(lang, "to")}{ select("b", f.b) }</label>
                <label>{tr(lang, "Delay (ms)")}
                    <input type="number" min="0" data-testid="network-delay-ms" value={f.delay_ms.clone()}
                        oninput={field_setter::<_, InputEvent>(&fields, |f, v| f.delay_ms = v)} />
                </label>
                <label>{tr(lang, "Loss (%)")}
                    <input type="number" min="0" max="100" step="any" data-testid="network-loss-percent"
                        value={f.loss_percent.clone()}
                        oninput={field_setter::<_, InputEvent>(&fields, |f, v| f.loss_percent = v)} />
                </label>
            </div>
            <ul class="network-actions">
                { action(NetworkVerb::Partition, tr(lang, "Partition"), "network-partition") }
                { action(NetworkVerb::Heal, tr(lang, "Heal"), "network-heal") }
                { action(NetworkVerb::Delay, tr(lang, "Delay"), "network-delay") }
                { action(NetworkVerb::Drop, tr(lang, "Loss"), "network-drop") }
                { action(NetworkVerb::HealAll, tr(lang, "Heal all"), "network-heal-all") }
            </ul>
            if let Some(answer) = answer {
                <div class={classes!("outcome", if answer.ok { "ok" } else { "error" })}
                    role={if answer.ok { "status" } else { "alert" }} data-testid="network-answer">
                    { for answer.lines.iter().map(|l| html! { <div>{l.clone()}</div> }) }
                </div>
            }
        </section>
    }
}

/// One button with the line it runs beside it, or — when the fields make no valid line — the
/// refusal in the words `network` would print.
fn action_row(
    store: &StoreHandle,
    ran: &UseStateHandle<Option<String>>,
    f: &Fields,
    (verb, label, testid): (NetworkVerb, &'static str, &'static str),
) -> Html {
    let amount = match verb {
        NetworkVerb::Delay => f.delay_ms.as_str(),
        _ => f.loss_percent.as_str(),
    };
    match network_line(verb, f.a, f.b, amount) {
        Ok(line) => {
            let onclick = {
                let (store, ran, line) = (store.clone(), ran.clone(), line.clone());
                Callback::from(move |_: MouseEvent| {
                    store.dispatch(Action::RunCommand(CommandRequest::typed(&line)));
                    ran.set(Some(line.clone()));
                })
            };
            html! {
                <li>
                    <button type="button" data-testid={testid} {onclick}>{label}</button>
                    <code class="command-preview" data-testid={format!("{testid}-command")}>{format!("$ {line}")}</code>
                </li>
            }
        }
        Err(message) => html! {
            <li>
                <button type="button" data-testid={testid} disabled=true>{label}</button>
                <span class="outcome error" role="alert">{message}</span>
            </li>
        },
    }
}

/// The nodes on a circle and a line per link; clicking a link picks its two nodes.
fn network_svg(
    lang: Lang,
    cluster: &Cluster,
    links: &[LinkView],
    picked: &Fields,
    fields: &UseStateHandle<Fields>,
) -> Html {
    let nodes = node_ids(cluster);
    let (cx, cy, r) = (110.0, 95.0, 70.0);
    let at = |id: i32| {
        let index = nodes.iter().position(|&n| n == id).unwrap_or(0);
        node_position(index, nodes.len(), cx, cy, r)
    };
    let link_view = |link: &LinkView| {
        let ((x1, y1), (x2, y2)) = (at(link.a), at(link.b));
        let selected = (picked.a.min(picked.b), picked.a.max(picked.b)) == (link.a, link.b);
        let onclick = {
            let fields = fields.clone();
            let (a, b) = (link.a, link.b);
            Callback::from(move |_: MouseEvent| {
                fields.set(Fields {
                    a,
                    b,
                    ..(*fields).clone()
                })
            })
        };
        let label = link.label(lang);
        let state = if label.is_empty() {
            tr(lang, "healthy")
        } else {
            &label
        };
        let link_title = trf(lang, "Link {}-{}: {}", &[&link.a, &link.b, &state]);
        html! {
            <g class={classes!("link", link.state(), selected.then_some("selected"))}
                data-testid={format!("link-{}-{}", link.a, link.b)} data-state={link.state()}
                {onclick} role="button" aria-label={link_title.clone()}>
                <title>{link_title}</title>
                <line class="hit" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                <line class="wire" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                if !label.is_empty() {
                    <text x={((x1 + x2) / 2.0).to_string()} y={((y1 + y2) / 2.0 - 4.0).to_string()}
                        text-anchor="middle">{label}</text>
                }
            </g>
        }
    };
    html! {
        <svg class="network-map" viewBox="0 0 220 190" role="img" data-testid="network-map"
            aria-label={tr(lang, "The brokers and the links between them")}>
            { for links.iter().map(link_view) }
            { for nodes.iter().map(|&id| {
                let (x, y) = at(id);
                // A stopped or crashed broker is drawn dimmed: its links carry nothing anyway.
                let state = cluster.broker(id).map_or("running", |b| b.state.name());
                html! {
                    <g class={classes!("node", state)} data-testid={format!("node-{id}")} data-state={state}>
                        <title>{trf(lang, "Broker {}: {}", &[&id, &tr(lang, state)])}</title>
                        <circle cx={x.to_string()} cy={y.to_string()} r="16" />
                        <text x={x.to_string()} y={(y + 4.0).to_string()} text-anchor="middle">{id.to_string()}</text>
                    </g>
                }
            }) }
        </svg>
    }
}
