//! A text made now and put into words later, in the language of the page that shows it: the
//! English template ([`trf`](super::trf)'s) and its arguments. Code that finds a problem before
//! anyone knows the page's language (the embed's URL parameters, a workspace name, why storage
//! failed) returns a [`Message`]; the component that shows it calls [`Message::text`] with the
//! page's language, so a language switch changes it too.
//!
//! `tests/i18n.rs` holds every literal given to [`Message::new`] (and [`Message::nest`]) to
//! having its Korean, as it does for `tr`/`trf`.

use super::{trf, Lang};
use std::fmt;

/// A sentence in the page's words, or a text shown as it is in every language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Shown as it is: an error's own detail (the browser's, the engine's), Kafka's words, a
    /// value.
    Plain(String),
    /// [`trf`](super::trf)'s English template and what fills its `{}` slots, in order.
    Template(&'static str, Vec<Message>),
}

impl Message {
    /// `template` with its `{}` slots filled, in order, by `args` (each shown as it is).
    pub fn new(template: &'static str, args: &[&dyn fmt::Display]) -> Message {
        Message::Template(
            template,
            args.iter()
                .map(|arg| Message::Plain(arg.to_string()))
                .collect(),
        )
    }

    /// `template` with its slots filled by other messages, each in the same language.
    pub fn nest(template: &'static str, args: Vec<Message>) -> Message {
        Message::Template(template, args)
    }

    /// A text shown as it is in every language.
    pub fn plain(text: impl Into<String>) -> Message {
        Message::Plain(text.into())
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Message::Plain(text) => text.clone(),
            Message::Template(template, args) => {
                let args: Vec<String> = args.iter().map(|arg| arg.text(lang)).collect();
                let args: Vec<&dyn fmt::Display> =
                    args.iter().map(|a| a as &dyn fmt::Display).collect();
                trf(lang, template, &args)
            }
        }
    }
}

/// The English text.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// An error's own detail, shown as it is.
impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::Plain(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::Plain(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_put_into_words_when_shown() {
        let inner = Message::new("Broker {}", &[&2]);
        let outer = Message::nest("{}: {}", vec![Message::plain("view"), inner.clone()]);
        assert_eq!(inner.text(Lang::Ko), "브로커 2");
        assert_eq!(outer.text(Lang::En), "view: Broker 2");
        assert_eq!(outer.text(Lang::Ko), "view: 브로커 2");
        assert_eq!(outer.to_string(), "view: Broker 2");
        // A plain text is the same in every language, even one that reads as a template.
        assert_eq!(Message::plain("Broker {}").text(Lang::Ko), "Broker {}");
        assert_eq!(Message::from("x"), Message::Plain("x".into()));
    }
}
