//! The form that adds a background consumer to a group: it builds the `consumer start NAME …`
//! line a person would type (docs/CLI.md), shows it live as the form is filled in, and hands it
//! to the panel, which runs it in the terminal. The cluster, not the form, judges the options:
//! whatever the command prints on stderr is shown under the form.

use crate::i18n::{tr, trf, Lang};
use crate::ui::prefs::use_lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The group protocol a consumer speaks (`group.protocol`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProtocolChoice {
    /// JoinGroup/SyncGroup with a client-side assignor (Kafka 4.1's default).
    #[default]
    Classic,
    /// KIP-848: the broker assigns (`group.remote.assignor`).
    Consumer,
}

impl ProtocolChoice {
    pub fn name(self) -> &'static str {
        match self {
            ProtocolChoice::Classic => "classic",
            ProtocolChoice::Consumer => "consumer",
        }
    }

    /// The `--assignor` values for this protocol: the classic client-side assignors
    /// (`partition.assignment.strategy`) or KIP-848's server-side ones.
    pub fn assignors(self) -> &'static [&'static str] {
        match self {
            ProtocolChoice::Classic => &["range", "roundrobin", "sticky", "cooperative-sticky"],
            ProtocolChoice::Consumer => &["uniform", "range"],
        }
    }

    /// What the consumer uses without `--assignor`: Kafka 4.1's defaults.
    pub fn default_assignor(self) -> &'static str {
        match self {
            // `partition.assignment.strategy` = [RangeAssignor, CooperativeStickyAssignor].
            ProtocolChoice::Classic => "range, cooperative-sticky",
            // `group.consumer.assignors`' first entry.
            ProtocolChoice::Consumer => "uniform",
        }
    }
}

/// What the form holds; empty text fields are left out of the command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerDraft {
    /// Empty: the name the panel suggests.
    pub name: String,
    pub group: String,
    /// One topic or several, separated by commas.
    pub topics: String,
    pub protocol: ProtocolChoice,
    /// Empty: the protocol's default.
    pub assignor: String,
    /// Records processed per second; empty: as fast as they come.
    pub rate: String,
    /// `group.instance.id` (KIP-345 static membership); empty: a dynamic member.
    pub instance_id: String,
    /// `--from-beginning` (`auto.offset.reset=earliest`).
    pub from_beginning: bool,
}

impl ConsumerDraft {
    /// The `consumer start …` line, with `default_name` when no name was typed.
    pub fn command_line(&self, default_name: &str) -> String {
        let name = match self.name.trim() {
            "" => default_name,
            typed => typed,
        };
        let topics: Vec<&str> = self
            .topics
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let mut words = vec![
            "consumer".to_string(),
            "start".to_string(),
            shell_word(name),
            "--group".to_string(),
            shell_word(self.group.trim()),
            "--topic".to_string(),
            shell_word(&topics.join(",")),
        ];
        if self.protocol == ProtocolChoice::Consumer {
            words.extend(["--protocol".to_string(), "consumer".to_string()]);
        }
        let mut option = |flag: &str, value: &str| {
            if !value.is_empty() {
                words.extend([flag.to_string(), shell_word(value)]);
            }
        };
        option("--assignor", self.assignor.trim());
        let rate = self.rate.trim();
        let rate = match rate {
            "" => String::new(),
            r if r.ends_with("/s") => r.to_string(),
            r => format!("{r}/s"),
        };
        option("--rate", &rate);
        option("--instance-id", self.instance_id.trim());
        if self.from_beginning {
            words.push("--from-beginning".to_string());
        }
        words.join(" ")
    }

    /// What the line still needs before it can run, in the form's words.
    pub fn missing(&self) -> Option<&'static str> {
        if self.group.trim().is_empty() {
            Some("Name a group (an existing one, or a new one).")
        } else if self.topics.split(',').all(|t| t.trim().is_empty()) {
            Some("Name a topic to subscribe to.")
        } else {
            None
        }
    }
}

/// A field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Group,
    Topics,
    Protocol,
    Assignor,
    Rate,
    InstanceId,
    /// `"true"` or `"false"`.
    FromBeginning,
}

impl ConsumerDraft {
    /// The form's `field` took `value`. A protocol change drops an assignor the new protocol
    /// does not have (the command would refuse it).
    pub fn set(&mut self, field: Field, value: String) {
        match field {
            Field::Name => self.name = value,
            Field::Group => self.group = value,
            Field::Topics => self.topics = value,
            Field::Rate => self.rate = value,
            Field::InstanceId => self.instance_id = value,
            Field::Assignor => self.assignor = value,
            Field::FromBeginning => self.from_beginning = value == "true",
            Field::Protocol => {
                self.protocol = match value.as_str() {
                    "consumer" => ProtocolChoice::Consumer,
                    _ => ProtocolChoice::Classic,
                };
                if !self.protocol.assignors().contains(&self.assignor.as_str()) {
                    self.assignor.clear();
                }
            }
        }
    }
}

/// `word` as a POSIX shell reads it back as one word: bare when it is plain, else in single
/// quotes (a quote inside becomes `'\''`).
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-,/=:@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[derive(Properties, PartialEq)]
pub struct ConsumerFormProps {
    /// Groups that exist now, offered as suggestions.
    pub groups: Vec<String>,
    /// Topics that exist now, offered as suggestions.
    pub topics: Vec<String>,
    /// The name used when none is typed (`consumer-N`, the first one not running).
    pub default_name: AttrValue,
    /// Runs the line (the panel dispatches it to the terminal).
    pub on_start: Callback<String>,
    /// What the last line this form ran printed: ok, and its lines.
    #[prop_or_default]
    pub outcome: Option<(bool, Vec<String>)>,
}

#[component]
pub fn ConsumerForm(props: &ConsumerFormProps) -> Html {
    let lang = use_lang();
    let draft = use_state(ConsumerDraft::default);
    let update = {
        let draft = draft.clone();
        Callback::from(move |(field, value): (Field, String)| {
            let mut next = (*draft).clone();
            next.set(field, value);
            draft.set(next);
        })
    };
    let line = draft.command_line(&props.default_name);
    let missing = draft.missing();
    let on_submit = {
        let (on_start, line) = (props.on_start.clone(), line.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if missing.is_none() {
                on_start.emit(line.clone());
            }
        })
    };
    html! {
        <form class="consumer-form" onsubmit={on_submit} aria-label={tr(lang, "Add a consumer")}>
            { text_fields(lang, &draft, props, &update) }
            { choice_fields(lang, &draft, &update) }
            <button type="submit" data-testid="start-consumer" disabled={missing.is_some()}>{tr(lang, "Start")}</button>
            <div class="command-preview">
                <span class="muted">{tr(lang, "Command: ")}</span>
                <code data-testid="consumer-command">{line}</code>
            </div>
            if let Some(missing) = missing {
                <p class="muted hint">{tr(lang, missing)}</p>
            }
            { outcome_view(props.outcome.as_ref()) }
        </form>
    }
}

/// A text input's `oninput`: the field takes the input's value.
fn on_text(update: &Callback<(Field, String)>, field: Field) -> Callback<InputEvent> {
    update
        .reform(move |e: InputEvent| (field, e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// A `<select>`'s `onchange`: the field takes the chosen value.
fn on_select(update: &Callback<(Field, String)>, field: Field) -> Callback<Event> {
    update.reform(move |e: Event| (field, select_value(&e)))
}

/// Name, group, topics: free text with the existing groups and topics as suggestions.
fn text_fields(
    lang: Lang,
    draft: &ConsumerDraft,
    props: &ConsumerFormProps,
    update: &Callback<(Field, String)>,
) -> Html {
    html! {
        <>
            <label>{tr(lang, "Name")}
                <input data-testid="consumer-name" value={draft.name.clone()}
                    oninput={on_text(update, Field::Name)}
                    placeholder={props.default_name.clone()} autocomplete="off" spellcheck="false" />
            </label>
            <label>{tr(lang, "Group")}
                <input data-testid="consumer-group" value={draft.group.clone()}
                    oninput={on_text(update, Field::Group)} list="consumer-group-choices"
                    placeholder="orders-app" autocomplete="off" spellcheck="false" />
            </label>
            <datalist id="consumer-group-choices">
                { for props.groups.iter().map(|g| html! { <option value={g.clone()} /> }) }
            </datalist>
            <label>{tr(lang, "Topic(s)")}
                <input data-testid="consumer-topics" value={draft.topics.clone()}
                    oninput={on_text(update, Field::Topics)} list="consumer-topic-choices"
                    placeholder="orders" autocomplete="off" spellcheck="false"
                    title={tr(lang, "One topic, or several separated by commas")} />
            </label>
            <datalist id="consumer-topic-choices">
                { for props.topics.iter().map(|t| html! { <option value={t.clone()} /> }) }
            </datalist>
        </>
    }
}

/// Protocol, assignor (the protocol's own), rate, static instance id, from beginning.
fn choice_fields(lang: Lang, draft: &ConsumerDraft, update: &Callback<(Field, String)>) -> Html {
    let protocol = draft.protocol;
    let assignor_options = protocol.assignors().iter().map(|a| {
        html! { <option value={*a} selected={draft.assignor == *a}>{*a}</option> }
    });
    let on_from_beginning = update.reform(|e: Event| {
        let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
        (Field::FromBeginning, checked.to_string())
    });
    html! {
        <>
            <label>{tr(lang, "Protocol")}
                <select data-testid="consumer-protocol" onchange={on_select(update, Field::Protocol)}
                    title={tr(lang, "group.protocol: classic (JoinGroup/SyncGroup) or consumer (KIP-848)")}>
                    <option value="classic" selected={protocol == ProtocolChoice::Classic}>{"classic"}</option>
                    <option value="consumer" selected={protocol == ProtocolChoice::Consumer}>{"consumer (KIP-848)"}</option>
                </select>
            </label>
            <label>{tr(lang, "Assignor")}
                <select data-testid="consumer-assignor" onchange={on_select(update, Field::Assignor)}>
                    <option value="" selected={draft.assignor.is_empty()}>
                        {trf(lang, "default ({})", &[&protocol.default_assignor()])}
                    </option>
                    { for assignor_options }
                </select>
            </label>
            <label>{tr(lang, "Rate (records/s)")}
                <input data-testid="consumer-rate" type="number" min="1" value={draft.rate.clone()}
                    oninput={on_text(update, Field::Rate)} placeholder={tr(lang, "unlimited")} />
            </label>
            <label>{tr(lang, "Static instance id")}
                <input data-testid="consumer-instance-id" value={draft.instance_id.clone()}
                    oninput={on_text(update, Field::InstanceId)} placeholder={tr(lang, "optional")}
                    autocomplete="off" spellcheck="false"
                    title={tr(lang, "group.instance.id (KIP-345): a static member keeps its partitions across restarts")} />
            </label>
            <label class="check">
                <input type="checkbox" data-testid="consumer-from-beginning"
                    checked={draft.from_beginning} onchange={on_from_beginning} />
                {tr(lang, "From beginning")}
            </label>
        </>
    }
}

/// The value of the `<select>` an event came from (read as a property: the page's web-sys
/// features leave `HtmlSelectElement` out).
fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// What the command printed: stderr lines as an error, else its stdout.
fn outcome_view(outcome: Option<&(bool, Vec<String>)>) -> Html {
    let Some((ok, lines)) = outcome else {
        return html! {};
    };
    html! {
        <div class={classes!("outcome", if *ok { "ok" } else { "error" })}
            role={if *ok { "status" } else { "alert" }}
            data-testid={if *ok { "consumer-outcome" } else { "consumer-error" }}>
            { for lines.iter().map(|l| html! { <div>{l.clone()}</div> }) }
        </div>
    }
}
