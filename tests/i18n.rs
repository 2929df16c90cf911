//! The page's words in Korean (`kafka_playground::i18n`, issue #10 item 5): every English text the
//! UI's sources give to `tr`/`trf` (or make a `Message` of, to be said later) has its Korean, every
//! Korean entry is used, and a template keeps its `{}` slots.

use kafka_playground::i18n::{korean, tr, trf, Lang, KO};
use regex_lite::Regex;
use std::collections::BTreeSet;
use std::path::Path;

/// Words the UI passes to `tr` from a value rather than a literal, with where they come from.
const FROM_VALUES: &[&str] = &[
    // BrokerState::name, shown on each broker card.
    "running",
    "stopped",
    "crashed",
    // A replica's role and sync state on the broker card (components/broker_card.rs).
    "leader",
    "follower",
    "offline",
    "out of sync",
    "ELR (may still lead)",
    // The terminal's submit button in each typing mode.
    "Run",
    "Enter",
    "Send line",
    // The time buttons' labels (components/time_controls.rs STEPS).
    "+1 s",
    "+10 s",
    "+1 min",
    // ConsumerDraft::missing, the consumer form's hint (components/consumer_form.rs).
    "Name a group (an existing one, or a new one).",
    "Name a topic to subscribe to.",
    // Metric::unit (ui/metrics.rs), under each metric's value; "/s", "B/s" and the like stay.
    "partitions",
    "controllers",
    "records",
    // Store::rewind_refusal (ui/timeline.rs), shown in the timeline.
    "This workspace was saved before the playground kept what was done in it, so its history cannot be replayed. Reset the cluster to start one that can.",
    "This session is too long to rewind: it holds more than 10000 commands. Reset the cluster to start a new one.",
    // ThemeChoice::label (ui/prefs.rs).
    "System theme",
    "Light",
    "Dark",
    // Metric::meaning (ui/metrics.rs), Kafka's docs' words in the metrics' tooltips.
    "# of under replicated partitions (|ISR| < |all replicas|); normal value 0",
    "# of partitions that don't have an active leader and are hence not writable or readable; normal value 0",
    "Is controller active on broker; only one broker in the cluster should have 1",
    "If a broker goes down, ISR for some of the partitions will shrink; normal value 0",
    "When a broker is brought up after a failure, it starts catching up by reading from the leader; once it is caught up, it gets added back to the ISR",
    "Message in rate (all topics)",
    "Byte in rate from clients (all topics)",
    "The maximum lag in terms of number of records for any partition in this window (based on the current position, not the committed offset)",
    "The number of rebalance events per hour",
];

/// The literal texts given to `tr(lang, "…")`, `trf(lang, "…", …)`, `Message::new("…", …)` and
/// `Message::nest("…", …)` in `dir`'s `.rs` files.
fn texts_in(dir: &Path, found: &mut BTreeSet<String>) {
    let call =
        Regex::new(r#"(?:\btrf?\(\s*[a-z_.]+,|\bMessage::(?:new|nest)\()\s*"((?:[^"\\]|\\.)*)""#)
            .expect("regex");
    for entry in std::fs::read_dir(dir).expect("reads the dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            texts_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).expect("reads a source");
            for capture in call.captures_iter(&source) {
                found.insert(capture[1].replace("\\\"", "\""));
            }
        }
    }
}

/// The texts of the UI's sources, and of `src/storage` (a workspace name's problems, said in
/// the page's language).
fn ui_texts() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for dir in ["src/ui", "src/storage"] {
        texts_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut found);
    }
    assert!(found.len() > 30, "too few texts found: {found:?}");
    found
}

#[test]
fn every_text_the_ui_translates_has_its_korean() {
    let missing: Vec<_> = ui_texts()
        .into_iter()
        .chain(FROM_VALUES.iter().map(|s| s.to_string()))
        .filter(|en| korean(en).is_none())
        .collect();
    assert!(missing.is_empty(), "no Korean for {missing:?}");
}

#[test]
fn every_korean_entry_is_used_and_the_table_is_sorted() {
    let used: BTreeSet<String> = ui_texts()
        .into_iter()
        .chain(FROM_VALUES.iter().map(|s| s.to_string()))
        .collect();
    let unused: Vec<_> = KO.iter().filter(|(en, _)| !used.contains(*en)).collect();
    assert!(unused.is_empty(), "unused entries: {unused:?}");
    for pair in KO.windows(2) {
        assert!(
            pair[0].0 < pair[1].0,
            "not sorted: {:?} then {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn templates_keep_their_slots() {
    for (en, ko) in KO {
        assert_eq!(
            en.matches("{}").count(),
            ko.matches("{}").count(),
            "{en} / {ko}"
        );
        assert!(!ko.is_empty(), "{en}");
    }
    assert_eq!(trf(Lang::Ko, "Broker {}", &[&2]), "브로커 2");
    assert_eq!(trf(Lang::En, "Broker {}", &[&2]), "Broker 2");
    assert_eq!(tr(Lang::Ko, "Topics"), "토픽");
    // Kafka's own words and anything without an entry stay as they are.
    assert_eq!(tr(Lang::Ko, "ISR"), "ISR");
}

/// Kafka's own words inside a translated text — config names (`replica.lag.time.max.ms`), tool
/// and file names (`kafka-configs.sh`, `.timeindex`), metric and request names
/// (`UnderReplicatedPartitions`, `JoinGroup`), KIPs, upper-case terms (ISR, LEO, `CURRENT-OFFSET`)
/// and internal topics — stay as they are in the Korean: a person types and reads them on a
/// real cluster.
#[test]
fn kafka_words_stay_untranslated() {
    let kafka_word = Regex::new(
        r"[A-Za-z_][\w-]*(?:\.[\w-]+)+|\bKIP-\d+|\b[A-Z][a-z]+[A-Z]\w*|\b[A-Z][A-Z_-]{2,}\b|__\w+|--[\w-]+",
    )
    .expect("regex");
    let mut changed = Vec::new();
    for (en, ko) in KO {
        for word in kafka_word.find_iter(en).map(|m| m.as_str()) {
            // "e.g." is English, not Kafka's.
            if word != "e.g" && !ko.contains(word) {
                changed.push(format!("{word:?} in {en:?}"));
            }
        }
    }
    assert!(changed.is_empty(), "Kafka's words translated: {changed:?}");
    assert!(kafka_word.is_match("min.insync.replicas"));
    assert!(kafka_word.is_match("UnderReplicatedPartitions"));
}
