//! The question asked before a shared scenario (a link or an imported `.kplay` file) opens:
//! what it holds — its options and its first lines, shown as text — and that it opens in a new
//! workspace, leaving the open one as it is. A scenario that cannot be read gets its reason
//! instead.

use crate::i18n::{tr, trf, Lang};
use crate::scenario::{Scenario, ScenarioError};
use crate::ui::prefs::use_lang;
use crate::ui::share::browser;
use std::rc::Rc;
use yew::prelude::*;

/// How many of the scenario's lines the question shows.
const PREVIEW_LINES: usize = 30;

/// What a link or a file brought.
#[derive(Clone, PartialEq)]
pub enum Offer {
    /// A scenario to open; `from` says where it came from ("link", "file").
    Open {
        from: &'static str,
        scenario: Rc<Scenario>,
    },
    /// Why it cannot be opened.
    Refused(String),
}

impl Offer {
    /// The offer of what a link or a file (`from`) held; a refusal's words in `lang` (the
    /// scenario's own reason stays as the reader gave it).
    pub fn from_read(
        lang: Lang,
        from: &'static str,
        read: Result<Scenario, ScenarioError>,
    ) -> Self {
        match read {
            Ok(scenario) => Offer::Open {
                from,
                scenario: Rc::new(scenario),
            },
            Err(e) if from == "link" => {
                Offer::Refused(trf(lang, "This link cannot be opened. {}", &[&e]))
            }
            Err(e) => Offer::Refused(trf(lang, "This file cannot be opened. {}", &[&e])),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    pub offer: Offer,
    /// The open workspace, which the scenario leaves alone.
    pub workspace: AttrValue,
    /// Cancelled, dismissed, or the new workspace is opening.
    pub ondone: Callback<()>,
}

#[component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let lang = use_lang();
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    // The question takes the focus (Cancel: the choice that changes nothing), as a dialog should.
    let focus = use_node_ref();
    {
        let focus = focus.clone();
        use_effect_with(props.offer.clone(), move |_| {
            if let Some(button) = focus.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let cancel = {
        let ondone = props.ondone.clone();
        Callback::from(move |_: MouseEvent| ondone.emit(()))
    };
    let (from, scenario) = match &props.offer {
        Offer::Refused(message) => {
            return html! {
                <div class="share-dialog" role="alertdialog" aria-labelledby="share-dialog-title"
                    data-testid="share-dialog">
                    <h3 id="share-dialog-title">{tr(lang, "Cannot open this scenario")}</h3>
                    <p role="alert" data-testid="share-error">{message.clone()}</p>
                    <button onclick={cancel} data-testid="share-dismiss" ref={focus}>{tr(lang, "Dismiss")}</button>
                </div>
            };
        }
        Offer::Open { from, scenario } => (*from, scenario.clone()),
    };
    let open = {
        let (scenario, workspace) = (scenario.clone(), props.workspace.clone());
        let (error, busy) = (error.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let (scenario, workspace) = (scenario.clone(), workspace.clone());
            let (error, busy) = (error.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = browser::open_in_new_workspace(lang, &workspace, &scenario).await {
                    error.set(Some(e));
                    busy.set(false);
                }
            });
        })
    };
    let o = &scenario.options;
    let text = scenario.to_kplay();
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let more = lines.len().saturating_sub(PREVIEW_LINES);
    let preview = lines[..lines.len().min(PREVIEW_LINES)].join("\n");
    let facts: [&dyn std::fmt::Display; 4] = [
        &scenario.action_count(),
        &o.brokers,
        &o.seed,
        &props.workspace,
    ];
    let summary = if o.brokers == 1 {
        trf(lang, "{} commands on {} broker with seed {}. It opens in a new workspace and replays there; your workspace '{}' stays as it is.", &facts)
    } else {
        trf(lang, "{} commands on {} brokers with seed {}. It opens in a new workspace and replays there; your workspace '{}' stays as it is.", &facts)
    };
    html! {
        <div class="share-dialog" role="dialog" aria-modal="true"
            aria-labelledby="share-dialog-title" data-testid="share-dialog">
            <h3 id="share-dialog-title">{if from == "link" {
                tr(lang, "Open the shared scenario from this link?")
            } else {
                tr(lang, "Open the shared scenario from this file?")
            }}</h3>
            <p>{summary}</p>
            <pre class="share-preview" data-testid="share-preview">{preview}</pre>
            if more > 0 {
                <p class="muted">{trf(lang, "… and {} more lines.", &[&more])}</p>
            }
            if let Some(error) = (*error).clone() {
                <p class="share-error" role="alert" data-testid="share-error">{error}</p>
            }
            <div class="share-actions">
                <button onclick={open} disabled={*busy} data-testid="open-shared">
                    {tr(lang, "Open in a new workspace")}</button>
                <button onclick={cancel} data-testid="share-cancel" ref={focus}>{tr(lang, "Cancel")}</button>
            </div>
        </div>
    }
}
