//! The lessons the page offers, compiled in from `www/lessons/<lang>/` (so they work offline
//! and a share link names a lesson by id alone). Every lesson exists in English and Korean with
//! the same steps, commands and checks (`tests/lessons.rs` holds them to that).

use super::{parse, Lesson};

/// The language a lesson is read in (the learners' notes are Korean).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
}

/// Each lesson's file name and its English and Korean text.
macro_rules! lessons {
    ($($name:literal),* $(,)?) => {
        &[$((
            $name,
            include_str!(concat!("../../www/lessons/en/", $name)),
            include_str!(concat!("../../www/lessons/ko/", $name)),
        )),*]
    };
}

/// The lesson files, in the order of the list.
pub const FILES: &[(&str, &str, &str)] = lessons![
    "01-topics.md",
    "02-keys.md",
    "03-record.md",
    "04-segments.md",
    "05-retention.md",
    "06-replication.md",
    "07-compaction.md",
    "08-acks.md",
    "09-unclean-election.md",
    "10-controller.md",
    "11-topic-names.md",
    "12-consumer-groups.md",
    "13-offsets.md",
    "14-metadata.md",
    "15-page-cache.md",
    "16-kraft.md",
];

/// The source of every lesson in `lang`, with its file name.
pub fn sources(lang: Lang) -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().map(move |&(name, en, ko)| match lang {
        Lang::En => (name, en),
        Lang::Ko => (name, ko),
    })
}

/// Every lesson in `lang`, in order; a file that does not parse is left out (the tests make
/// sure none does).
pub fn lessons(lang: Lang) -> Vec<Lesson> {
    sources(lang)
        .filter_map(|(_, text)| parse(text).ok())
        .collect()
}
