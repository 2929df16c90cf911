//! The terminal panel: Kafka's tools and the playground verbs typed as in a shell, run by the
//! store (`Action::RunCommand`) through the command language, so what the terminal does shows
//! at once in the other views and is saved like any other change.
//!
//! Keys: Enter runs (or adds a line to a here-document or a console producer's input), Tab
//! completes (on an empty line, and with Shift, it moves the focus as usual; in a producer's
//! input it types a tab, the default `key.separator`), Up/Down walk the history, Ctrl-D ends a
//! producer's input, Ctrl-C interrupts (and copies when text is selected). Buttons do Enter,
//! Ctrl-D and Ctrl-C for touch screens. The typing logic is `ui::terminal`.

use crate::i18n::{tr, trf, Lang};
use crate::ui::prefs::use_lang;
use crate::ui::store::{Action, StoreHandle};
use crate::ui::terminal::complete::{complete, Names};
use crate::ui::terminal::history::History;
use crate::ui::terminal::session::{CommandRequest, Mode, Session};
use crate::ui::terminal::{LineKind, TermLine, Transcript};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component]
pub fn Terminal() -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    let session = use_mut_ref(Session::default);
    let history = use_mut_ref(History::default);
    let candidates = use_state(Vec::<String>::new);
    let input_ref = use_node_ref();
    let screen_ref = use_node_ref();
    let redraw = use_force_update();
    let pending = session.borrow().pending();
    {
        // Keeps the newest line in view.
        let screen_ref = screen_ref.clone();
        let version = store.as_ref().map_or(0, |s| s.terminal.version());
        use_effect_with((version, pending.len()), move |_| {
            if let Some(screen) = screen_ref.cast::<web_sys::Element>() {
                screen.set_scroll_top(screen.scroll_height());
            }
        });
    }
    let Some(store) = store else {
        return html! {};
    };
    let keys = Keys {
        store: store.clone(),
        session: session.clone(),
        history,
        candidates: candidates.clone(),
        input: input_ref.clone(),
        redraw: Callback::from(move |()| redraw.force_update()),
    };
    let on_submit = {
        let keys = keys.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            keys.enter();
        })
    };
    let on_keydown = {
        let keys = keys.clone();
        Callback::from(move |e: KeyboardEvent| keys.key(&e))
    };
    let on_end_input = {
        let keys = keys.clone();
        Callback::from(move |_: MouseEvent| keys.end_input())
    };
    let on_interrupt = {
        let keys = keys.clone();
        Callback::from(move |_: MouseEvent| keys.interrupt())
    };
    let session = session.borrow();
    let mode = session.mode();
    let (label, run_label) = match mode {
        Mode::Command => (tr(lang, "Command"), "Run"),
        Mode::Continuation { .. } => (tr(lang, "Next line of the command"), "Enter"),
        Mode::Records { .. } => (
            tr(
                lang,
                "Record for kafka-console-producer.sh (Ctrl-D ends the input)",
            ),
            "Send line",
        ),
    };
    let typing_input = !matches!(mode, Mode::Command);
    let records = matches!(mode, Mode::Records { .. });
    html! {
        <section class="panel terminal-panel" aria-labelledby="terminal-heading">
            <h2 id="terminal-heading">{tr(lang, "Terminal")}</h2>
            <div class="terminal">
                <div class="term-screen" role="log" aria-live="polite" aria-label={tr(lang, "Terminal output")}
                    tabindex="0" ref={screen_ref} data-testid="terminal-output">
                    <TranscriptView transcript={store.terminal.clone()} />
                    { for pending.iter().map(|line| line_view(lang, line)) }
                </div>
                <form class="term-input" onsubmit={on_submit} data-testid="terminal-form"
                    data-mode={mode_name(mode)}>
                    <label for="terminal-input" class="visually-hidden">{label}</label>
                    <span class="term-prompt" aria-hidden="true">{session.prompt().as_str()}</span>
                    <input id="terminal-input" ref={input_ref} onkeydown={on_keydown}
                        data-testid="terminal-input" type="text" autocomplete="off"
                        autocapitalize="off" spellcheck="false" enterkeyhint="send"
                        aria-describedby="terminal-keys" />
                    <button type="submit" data-testid="terminal-run">{tr(lang, run_label)}</button>
                </form>
                <JobsBar jobs={running_jobs(&store)} on_stop={on_interrupt.clone()} />
                if !candidates.is_empty() {
                    <p class="term-candidates" aria-live="polite" data-testid="terminal-candidates">
                        { candidates.join("  ") }
                    </p>
                }
                if typing_input {
                    <div class="term-keys-buttons">
                        <button type="button" onclick={on_end_input} data-testid="terminal-end-input"
                            title="Ctrl-D">{tr(lang, "End input (Ctrl-D)")}</button>
                        <button type="button" onclick={on_interrupt} data-testid="terminal-interrupt"
                            title="Ctrl-C">{tr(lang, "Interrupt (Ctrl-C)")}</button>
                        if records {
                            // docs/DEPARTURES.md: said where it shows.
                            <span class="term-note">
                                {tr(lang, "The lines are sent when the input ends; Kafka's tool sends each as it is typed.")}
                            </span>
                        }
                    </div>
                }
            </div>
            <p class="muted" id="terminal-keys">
                {tr(lang, "Enter runs, Tab completes, ↑/↓ recall, Ctrl-C interrupts; ")}<code>{"help"}</code>
                {tr(lang, " lists the commands (docs/CLI.md describes them all).")}
            </p>
        </section>
    }
}

/// The terminal's running jobs, newest last: number and command line.
fn running_jobs(store: &StoreHandle) -> Vec<(u32, String)> {
    let cluster = store.cluster();
    let jobs = cluster
        .console_jobs()
        .iter()
        .filter(|(_, job)| !job.is_done());
    jobs.map(|(n, job)| (*n, job.command.clone())).collect()
}

#[derive(Properties, PartialEq)]
struct JobsBarProps {
    jobs: Vec<(u32, String)>,
    on_stop: Callback<MouseEvent>,
}

/// The jobs consuming in the background (`kafka-console-consumer.sh … &`): their records print
/// above as simulated time brings them, until Ctrl-C (or `kill -INT %N`) stops the newest.
#[component]
fn JobsBar(props: &JobsBarProps) -> Html {
    let lang = use_lang();
    let Some((newest, _)) = props.jobs.last() else {
        return html! {};
    };
    html! {
        <div class="term-jobs" role="status" data-testid="terminal-jobs">
            <ul>
                { for props.jobs.iter().map(|(n, command)| html! {
                    <li><code>{format!("[{n}] {command} &")}</code>{" "}{tr(lang, "consuming…")}</li>
                }) }
            </ul>
            <button type="button" onclick={props.on_stop.clone()} data-testid="terminal-stop-job"
                title={trf(lang, "Ctrl-C at an empty prompt: kill -INT %{}", &[newest])}>
                {trf(lang, "Stop job [{}] (Ctrl-C)", &[newest])}
            </button>
        </div>
    }
}

fn mode_name(mode: &Mode) -> &'static str {
    match mode {
        Mode::Command => "command",
        Mode::Continuation { .. } => "continuation",
        Mode::Records { .. } => "records",
    }
}

/// What the keys and buttons act on.
#[derive(Clone)]
struct Keys {
    store: StoreHandle,
    session: Rc<RefCell<Session>>,
    history: Rc<RefCell<History>>,
    candidates: UseStateHandle<Vec<String>>,
    input: NodeRef,
    redraw: Callback<()>,
}

impl Keys {
    fn input(&self) -> Option<HtmlInputElement> {
        self.input.cast::<HtmlInputElement>()
    }

    /// Takes what is typed off the input line.
    fn take_line(&self) -> String {
        self.input().map_or_else(String::new, |input| {
            let value = input.value();
            input.set_value("");
            value
        })
    }

    fn send(&self, request: Option<CommandRequest>) {
        if !self.candidates.is_empty() {
            self.candidates.set(Vec::new());
        }
        if let Some(request) = request {
            self.store.dispatch(Action::RunCommand(request));
        }
        self.redraw.emit(());
        if let Some(input) = self.input() {
            let _ = input.focus();
        }
    }

    fn enter(&self) {
        let line = self.take_line();
        let new_command = matches!(self.session.borrow().mode(), Mode::Command);
        if new_command {
            self.history.borrow_mut().push(&line);
        }
        let request = self.session.borrow_mut().enter(&line);
        self.send(request);
    }

    fn end_input(&self) {
        let line = self.take_line();
        let request = self.session.borrow_mut().end_input(&line);
        self.send(request);
    }

    /// Ctrl-C. At an empty command line while a job runs, it stops the newest job as the
    /// line `kill -INT %N` (shown and recorded as that: in bash Ctrl-C reaches only a job in
    /// the foreground, and this terminal keeps its prompt while jobs run).
    fn interrupt(&self) {
        let line = self.take_line();
        let idle = line.is_empty() && matches!(self.session.borrow().mode(), Mode::Command);
        let newest_job = self
            .store
            .cluster()
            .console_jobs()
            .keys()
            .next_back()
            .copied();
        if let (true, Some(number)) = (idle, newest_job) {
            return self.send(Some(CommandRequest::typed(&format!("kill -INT %{number}"))));
        }
        let request = self.session.borrow_mut().interrupt(&line);
        self.send(request);
    }

    fn key(&self, e: &KeyboardEvent) {
        // Keys that pick a character of an input method (Hangul, kana) are its own.
        if e.is_composing() {
            return;
        }
        let Some(input) = self.input() else {
            return;
        };
        let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
        let records = matches!(self.session.borrow().mode(), Mode::Records { .. });
        match e.key().as_str() {
            "Tab" if plain && !e.shift_key() => {
                let command = matches!(self.session.borrow().mode(), Mode::Command);
                if command && input.value().is_empty() {
                    return; // Tab leaves the terminal.
                }
                e.prevent_default();
                if command {
                    self.complete(&input);
                } else {
                    insert_at_cursor(&input, "\t");
                }
            }
            "ArrowUp" | "ArrowDown" if plain && !records => {
                e.prevent_default();
                let mut history = self.history.borrow_mut();
                let recalled = if e.key() == "ArrowUp" {
                    history.up(&input.value())
                } else {
                    history.down()
                };
                if let Some(line) = recalled {
                    input.set_value(&line);
                }
            }
            "d" | "D" if e.ctrl_key() && !e.alt_key() && !e.meta_key() => {
                e.prevent_default();
                self.end_input();
            }
            "c" | "C" if e.ctrl_key() && !e.alt_key() && !e.meta_key() => {
                let selected = matches!(
                    (input.selection_start(), input.selection_end()),
                    (Ok(Some(a)), Ok(Some(b))) if a != b
                );
                if !selected {
                    e.prevent_default();
                    self.interrupt();
                }
            }
            _ => {}
        }
    }

    fn complete(&self, input: &HtmlInputElement) {
        let value = input.value();
        let cursor = cursor_byte(input, &value);
        let (before, after) = value.split_at(cursor);
        let names = Names::of(&self.store.cluster());
        match complete(before, &names) {
            Some(completion) => {
                input.set_value(&format!("{}{after}", completion.text));
                let at = utf16_len(&completion.text);
                let _ = input.set_selection_range(at, at);
                self.candidates.set(completion.candidates);
            }
            None => self.candidates.set(Vec::new()),
        }
    }
}

/// The cursor (the selection's start) as a byte index into `value`: the DOM counts UTF-16
/// units.
fn cursor_byte(input: &HtmlInputElement, value: &str) -> usize {
    let Ok(Some(units)) = input.selection_start() else {
        return value.len();
    };
    let mut counted = 0;
    for (byte, c) in value.char_indices() {
        if counted >= units as usize {
            return byte;
        }
        counted += c.len_utf16();
    }
    value.len()
}

fn utf16_len(text: &str) -> u32 {
    u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX)
}

/// Types `text` at the cursor (replacing a selection).
fn insert_at_cursor(input: &HtmlInputElement, text: &str) {
    let value = input.value();
    let start = cursor_byte(input, &value);
    let end = match input.selection_end() {
        Ok(Some(units)) => value
            .char_indices()
            .scan(0usize, |n, (byte, c)| {
                let at = *n;
                *n += c.len_utf16();
                Some((byte, at))
            })
            .find(|&(_, at)| at >= units as usize)
            .map_or(value.len(), |(byte, _)| byte),
        _ => start,
    }
    .max(start);
    let before = &value[..start];
    input.set_value(&format!("{before}{text}{}", &value[end..]));
    let at = utf16_len(before) + utf16_len(text);
    let _ = input.set_selection_range(at, at);
}

#[derive(Properties)]
struct TranscriptProps {
    transcript: Rc<Transcript>,
}

impl PartialEq for TranscriptProps {
    /// The same transcript: re-rendering hundreds of lines on every store change is skipped.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.transcript, &other.transcript)
            && self.transcript.version() == other.transcript.version()
    }
}

#[component]
fn TranscriptView(props: &TranscriptProps) -> Html {
    let lang = use_lang();
    let transcript = &props.transcript;
    html! {
        <>
            if transcript.dropped() > 0 {
                <div class="term-line note">
                    {trf(lang, "… {} earlier lines are not kept", &[&transcript.dropped()])}
                </div>
            }
            if transcript.is_empty() {
                <div class="term-line note">
                    {tr(lang, "Kafka's tools run here as in a shell, against the cluster above. Try ")}
                    <code>{"kafka-topics.sh --create --topic orders --partitions 3"}</code>
                    {tr(lang, ", or type ")}<code>{"help"}</code>{"."}
                </div>
            }
            { for transcript.lines().map(|line| line_view(lang, line)) }
        </>
    }
}

fn line_view(lang: Lang, line: &TermLine) -> Html {
    match line.kind {
        LineKind::Typed(prompt) => html! {
            <div class="term-line typed" data-stream="typed">
                <span class="term-prompt">{prompt.as_str()}</span>{line.text.clone()}
            </div>
        },
        LineKind::Stdout => html! {
            <div class="term-line out" data-stream="stdout">{line.shown(lang)}</div>
        },
        LineKind::Stderr => html! {
            <div class="term-line err" data-stream="stderr">{line.text.clone()}</div>
        },
    }
}
