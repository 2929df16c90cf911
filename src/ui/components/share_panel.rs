//! The Share panel: "About this scenario" (commands, seed, brokers, trace hash), Share (a link
//! with the scenario in its `#s=…` fragment), export as a `.kplay` file or a bash script for a
//! real cluster, and import of a `.kplay` file. A link or a file is opened only after the
//! person says yes, in a new workspace (`ui::share::browser`); one that cannot be read says why.
//! Everything from a link or a file is shown as text (Yew escapes it), never as markup.

use super::share_dialog::{Offer, ShareDialog};
use crate::i18n::{tr, trf, Lang, Message};
use crate::scenario::shell_export::to_shell_script;
use crate::scenario::{Scenario, MAX_SCRIPT_BYTES};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use crate::ui::share::browser;
use crate::ui::store::Action;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    /// The open workspace (an opened scenario goes to a new one beside it).
    pub workspace: AttrValue,
}

#[component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let lang = use_lang();
    let store = use_slow_store();
    let offer = use_state(|| None::<Offer>);
    {
        // At start: a scenario handed to this workspace is replayed; a link is offered.
        let (store, offer, workspace) = (store.clone(), offer.clone(), props.workspace.clone());
        use_effect_with((), move |_| {
            if let (Some(store), Some(text)) = (&store, browser::take_pending(&workspace)) {
                match Scenario::from_kplay(&text) {
                    Ok(scenario) => store.dispatch(Action::OpenScenario(scenario.into())),
                    Err(e) => offer.set(Some(Offer::Refused(e.to_string()))),
                }
            }
            let fragment = browser::fragment();
            if let Some(read) = crate::scenario::link::from_fragment(&fragment) {
                browser::clear_fragment();
                offer.set(Some(Offer::from_read(lang, "link", read)));
            }
        });
    }
    {
        // An opened scenario replays a slice per animation frame, so the page keeps drawing.
        let replaying = store.as_ref().is_some_and(|s| s.replaying.is_some());
        let version = store.as_ref().map_or(0, |s| s.version);
        let store = store.clone();
        use_effect_with((replaying, version), move |(replaying, _)| {
            let frame = (*replaying).then(|| {
                gloo::render::request_animation_frame(move |_| {
                    if let Some(store) = &store {
                        store.dispatch(Action::ReplayChunk);
                    }
                })
            });
            move || drop(frame)
        });
    }
    let Some(store) = store else {
        return html! {};
    };
    let recorder = store.scenario.clone();
    let on_share = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Share))
    };
    let shared = Rc::new(store.shared_scenario());
    let download = |name: &'static str, mime: &'static str, make: fn(&Scenario) -> String| {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = browser::download(name, mime, &make(&shared));
        })
    };
    let on_kplay = download("scenario.kplay", "text/plain", Scenario::to_kplay);
    let on_shell = download("scenario.sh", "text/x-shellscript", to_shell_script);
    let on_import = {
        let offer = offer.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            read_file(lang, &input, offer.clone());
            input.set_value("");
        })
    };
    let link = store
        .share
        .clone()
        .map(|share| share.map(|f| browser::link(&f)));
    let options = recorder.options();
    let kplay = shared.kplay_command("scenario.kplay");
    html! {
        <section class="panel share-panel" aria-labelledby="share-heading">
            <h2 id="share-heading">{tr(lang, "Share")}</h2>
            if let Some(replaying) = &store.replaying {
                <p class="scenario-about" role="status" data-testid="replay-progress">
                    {trf(lang, "Replaying the scenario: step {} of {}…",
                        &[&replaying.job.progress().0, &replaying.job.progress().1])}
                </p>
            } else {
            <p class="scenario-about" data-testid="scenario-about">
                {tr(lang, "About this scenario: ")}
                <span data-testid="scenario-commands"
                    title={tr(lang, "Commands that changed the cluster; time that passed between them is not counted")}>
                    {recorder.actions()}</span>
                {if options.brokers == 1 {
                    trf(lang, " commands · seed {} · {} broker · trace hash ", &[&options.seed, &options.brokers])
                } else {
                    trf(lang, " commands · seed {} · {} brokers · trace hash ", &[&options.seed, &options.brokers])
                }}
                <code data-testid="scenario-hash">{format!("{:016x}", recorder.trace_hash())}</code>
            </p>
            if recorder.restarts() > 0 {
                <p class="muted" data-testid="scenario-restarted">
                    {trf(lang, "The cluster restarted from its files {} time(s) (a reload): a link replays the commands without the restarts, so its topics, records and offsets come back but its trace hash differs.", &[&recorder.restarts()])}
                </p>
            }
            }
            <div class="share-actions">
                <button data-testid="share-button" onclick={on_share}
                    title={tr(lang, "Pause and put this scenario in a link")}>{tr(lang, "Share link")}</button>
                <button data-testid="export-kplay" onclick={on_kplay}>{tr(lang, "Export .kplay")}</button>
                <button data-testid="export-shell" onclick={on_shell}
                    title={tr(lang, "The Kafka tool commands that rebuild it on a real cluster")}>
                    {tr(lang, "Export as shell script")}</button>
                <label class="share-import">{tr(lang, "Import .kplay ")}
                    <input type="file" accept=".kplay,.txt,text/plain" data-testid="import-kplay"
                        onchange={on_import} />
                </label>
            </div>
            <code class="command-preview" data-testid="share-command">{kplay}</code>
            { share_result(lang, link) }
            <crate::ui::embed::code::EmbedCode />
            if let Some(current) = (*offer).clone() {
                <ShareDialog offer={current} workspace={props.workspace.clone()}
                    ondone={let offer = offer.clone(); Callback::from(move |_| offer.set(None))} />
            }
        </section>
    }
}

/// The link a Share made (to select or copy), or why there is none.
fn share_result(lang: Lang, link: Option<Result<String, Message>>) -> Html {
    match link {
        None => html! {},
        Some(Ok(link)) => {
            let copy = {
                let link = link.clone();
                Callback::from(move |_: MouseEvent| browser::copy_to_clipboard(&link))
            };
            let chars = link.len();
            html! {
                <div class="share-link">
                    <label>{tr(lang, "Link ")}
                        <input readonly=true value={link} data-testid="share-link"
                            onfocus={Callback::from(|e: FocusEvent| {
                                if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                                    input.select();
                                }
                            })} />
                    </label>
                    <button data-testid="copy-link" onclick={copy}>{tr(lang, "Copy")}</button>
                    <span class="muted">{trf(lang, "{} characters", &[&chars])}</span>
                </div>
            }
        }
        Some(Err(message)) => html! {
            <p class="share-error" role="alert" data-testid="share-refused">{message.text(lang)}</p>
        },
    }
}

/// Reads the chosen file (at most 1 MiB) and offers it.
fn read_file(lang: Lang, input: &HtmlInputElement, offer: UseStateHandle<Option<Offer>>) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    let file = gloo::file::File::from(file);
    if file.size() > MAX_SCRIPT_BYTES as u64 {
        offer.set(Some(Offer::Refused(trf(
            lang,
            "The file is {} bytes long; a scenario may hold at most {} bytes (1 MiB).",
            &[&file.size(), &MAX_SCRIPT_BYTES],
        ))));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let read = gloo::file::futures::read_as_text(&file).await;
        offer.set(Some(match read {
            Ok(text) => Offer::from_read(lang, "file", Scenario::from_kplay(&text)),
            Err(_) => Offer::Refused(tr(lang, "The file could not be read as text.").to_string()),
        }));
    });
}
