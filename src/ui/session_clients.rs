//! The UI session that comes back after a reload (issue #9): the producers and consumers that
//! were running and the views that were open (the partition view's pick, the files view).
//!
//! A running client is kept as the start line that started it (`producer start …`,
//! `consumer start …`), exactly as it was run: rebuilding it from the engine's settings would
//! lose what only the line says (consumer properties, `--from-beginning`). A line is kept once
//! its client runs and forgotten as soon as that client no longer does (stopped, killed, fenced,
//! a reset). After a reload the owning tab runs the kept lines again through the command
//! language, at the restored simulated time: a restarted client process is a new client, and a
//! consumer rejoins its group as a new member, as in Kafka.
//!
//! The session is kept per workspace in `localStorage` (`kplay-session:<workspace>`), written
//! only by the tab that owns the workspace (`ui::hooks::session`).

use crate::cli::shell::parse_script;
use crate::engine::Cluster;
use crate::i18n::{trf, Lang};
use gloo::storage::{LocalStorage, Storage};
use std::collections::BTreeSet;

/// A producer (`producer start`) or a consumer (`consumer start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClientKind {
    Producer,
    Consumer,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Producer => "producer",
            ClientKind::Consumer => "consumer",
        }
    }

    fn parse(word: &str) -> Option<ClientKind> {
        match word {
            "producer" => Some(ClientKind::Producer),
            "consumer" => Some(ClientKind::Consumer),
            _ => None,
        }
    }
}

/// A running client and the line that started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptClient {
    pub kind: ClientKind,
    pub name: String,
    pub line: String,
}

impl KeptClient {
    /// `--flag VALUE` of the start line, if given.
    fn option(&self, flag: &str) -> Option<String> {
        let commands = parse_script(&self.line).ok()?;
        let words = &commands.first()?.words;
        let at = words.iter().position(|w| w == flag)?;
        words.get(at + 1).cloned()
    }
}

/// The partition view's pick: the topic-partition and the replica shown (`None`: the leader).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartitionPick {
    pub topic: String,
    pub partition: i32,
    pub replica: Option<i32>,
}

/// What comes back after a reload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeptSession {
    /// Running clients, in the order they were started.
    pub clients: Vec<KeptClient>,
    /// The partition view's pick, once the person chose one.
    pub partition: Option<PartitionPick>,
    /// The files view, open on this broker (`None`: closed).
    pub files: Option<i32>,
}

/// The clients running in `cluster`, by kind and name.
pub type Running = BTreeSet<(ClientKind, String)>;

/// The background producers and consumers `cluster` runs.
pub fn running(cluster: &Cluster) -> Running {
    let producers = cluster
        .background_producers()
        .keys()
        .map(|n| (ClientKind::Producer, n.clone()));
    let consumers = cluster
        .background_consumers()
        .keys()
        .map(|n| (ClientKind::Consumer, n.clone()));
    producers.chain(consumers).collect()
}

/// The kind and name a command starts, if it is `producer start NAME …` or `consumer start NAME …`.
fn started_by(words: &[String]) -> Option<(ClientKind, String)> {
    match words {
        [kind, verb, name, ..] if verb == "start" => Some((ClientKind::parse(kind)?, name.clone())),
        _ => None,
    }
}

impl KeptSession {
    /// After `script` ran: keeps the start line of each client it started (one not running
    /// `before` and running now: a start refused because the name is taken keeps the first
    /// line), and forgets the clients that no longer run.
    pub fn observe(&mut self, script: &str, before: &Running, cluster: &Cluster) {
        let now = running(cluster);
        if let Ok(commands) = parse_script(script) {
            let single = commands.len() == 1;
            for command in &commands {
                let Some((kind, name)) = started_by(&command.words) else {
                    continue;
                };
                let key = (kind, name.clone());
                if before.contains(&key) || !now.contains(&key) {
                    continue;
                }
                let line = if single {
                    script.trim().to_string()
                } else {
                    quote_words(&command.words)
                };
                self.clients.retain(|c| (c.kind, &c.name) != (kind, &name));
                self.clients.push(KeptClient { kind, name, line });
            }
        }
        self.forget_stopped(&now);
    }

    /// After a replay (an opened scenario, a rewind): the start line of each client the
    /// replayed `steps` left running — the last line that started it — so a reload starts it
    /// again. Clients kept from before are forgotten unless they run.
    pub fn rebuild_clients(&mut self, steps: &[crate::scenario::Step], cluster: &Cluster) {
        let now = running(cluster);
        let mut clients: Vec<KeptClient> = Vec::new();
        // Only a line naming `start` can start a client: the others need no parse.
        for step in steps.iter().filter(|s| s.script.contains("start")) {
            let Ok(commands) = parse_script(&step.script) else {
                continue;
            };
            let single = commands.len() == 1;
            for command in &commands {
                let Some((kind, name)) = started_by(&command.words) else {
                    continue;
                };
                if !now.contains(&(kind, name.clone())) {
                    continue;
                }
                let line = if single {
                    step.script.trim().to_string()
                } else {
                    quote_words(&command.words)
                };
                clients.retain(|c| (c.kind, &c.name) != (kind, &name));
                clients.push(KeptClient { kind, name, line });
            }
        }
        self.clients = clients;
    }

    /// Whether every kept client still runs (the reducer checks this after each change).
    pub fn all_running(&self, cluster: &Cluster) -> bool {
        self.clients.iter().all(|c| match c.kind {
            ClientKind::Producer => cluster.background_producers().contains_key(&c.name),
            ClientKind::Consumer => cluster.background_consumers().contains_key(&c.name),
        })
    }

    /// Forgets the clients not in `now` (stopped, killed, fenced, gone with a reset).
    pub fn forget_stopped(&mut self, now: &Running) {
        self.clients
            .retain(|c| now.contains(&(c.kind, c.name.clone())));
    }

    /// As kept in `localStorage`: one entry a line, fields split by tabs.
    pub fn encode(&self) -> Vec<String> {
        let mut entries: Vec<String> = self
            .clients
            .iter()
            .map(|c| format!("client\t{}\t{}\t{}", c.kind.as_str(), c.name, c.line))
            .collect();
        if let Some(p) = &self.partition {
            let replica = p.replica.map(|r| r.to_string()).unwrap_or_default();
            entries.push(format!(
                "partition\t{}\t{}\t{replica}",
                p.topic, p.partition
            ));
        }
        if let Some(node) = self.files {
            entries.push(format!("files\t{node}"));
        }
        entries
    }

    /// Reads what [`KeptSession::encode`] wrote; entries it cannot read are skipped.
    pub fn decode(entries: &[String]) -> KeptSession {
        let mut session = KeptSession::default();
        for entry in entries {
            let fields: Vec<&str> = entry.splitn(4, '\t').collect();
            match fields.as_slice() {
                ["client", kind, name, line] => {
                    if let Some(kind) = ClientKind::parse(kind) {
                        session.clients.push(KeptClient {
                            kind,
                            name: name.to_string(),
                            line: line.to_string(),
                        });
                    }
                }
                ["partition", topic, partition, replica] => {
                    if let Ok(partition) = partition.parse() {
                        session.partition = Some(PartitionPick {
                            topic: topic.to_string(),
                            partition,
                            replica: replica.parse().ok(),
                        });
                    }
                }
                ["files", node] => session.files = node.parse().ok(),
                _ => {}
            }
        }
        session
    }
}

/// What the page says after restarting the kept clients: who restarted, how each consumer
/// rejoins its group, who could not restart. Kept as the clients, put into words in the page's
/// language by [`RestartNote::text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestartNote {
    pub restarted: Vec<KeptClient>,
    pub failed: Vec<KeptClient>,
}

/// The note for these clients, `None` when there were none.
pub fn restart_note(restarted: &[KeptClient], failed: &[KeptClient]) -> Option<RestartNote> {
    (!restarted.is_empty() || !failed.is_empty()).then(|| RestartNote {
        restarted: restarted.to_vec(),
        failed: failed.to_vec(),
    })
}

impl RestartNote {
    pub fn text(&self, lang: Lang) -> String {
        let mut sentences = Vec::new();
        if !self.restarted.is_empty() {
            sentences.push(trf(
                lang,
                "Restarted {} at the restored time, as their start lines ran again (see the terminal).",
                &[&names(&self.restarted, lang)],
            ));
        }
        for consumer in self
            .restarted
            .iter()
            .filter(|c| c.kind == ClientKind::Consumer)
        {
            let group = consumer.option("--group").unwrap_or_default();
            sentences.push(match consumer.option("--instance-id") {
                Some(id) => trf(
                    lang,
                    "Consumer {} rejoins group {} as static member {} (group.instance.id): back within session.timeout.ms, it gets its partitions back.",
                    &[&consumer.name, &group, &id],
                ),
                None => trf(
                    lang,
                    "Consumer {} rejoins group {} as a new member: a restarted client process gets a new member id. Its member from before the reload sent no LeaveGroup and stays in the group until its session times out (session.timeout.ms, 45 s by default).",
                    &[&consumer.name, &group],
                ),
            });
        }
        if !self.failed.is_empty() {
            sentences.push(trf(
                lang,
                "Could not restart {} (see the terminal).",
                &[&names(&self.failed, lang)],
            ));
        }
        sentences.join(" ")
    }
}

/// "producer p1, producer p2 and consumer c1".
fn names(clients: &[KeptClient], lang: Lang) -> String {
    let each: Vec<String> = clients
        .iter()
        .map(|c| format!("{} {}", c.kind.as_str(), c.name))
        .collect();
    match each.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => trf(lang, "{} and {}", &[&rest.join(", "), last]),
        None => String::new(),
    }
}

/// Words as a shell line, quoted where the shell would split or expand them.
fn quote_words(words: &[String]) -> String {
    let plain = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./,=:%{}@+".contains(c))
    };
    words
        .iter()
        .map(|w| {
            if plain(w) {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `localStorage` key of workspace `name`'s session.
pub fn storage_key(workspace: &str) -> String {
    format!("kplay-session:{workspace}")
}

/// Workspace `workspace`'s kept session (empty if none).
pub fn load_kept(workspace: &str) -> KeptSession {
    LocalStorage::get::<Vec<String>>(storage_key(workspace))
        .map(|entries| KeptSession::decode(&entries))
        .unwrap_or_default()
}

/// Keeps `session` for workspace `workspace`. A browser that keeps nothing (private mode, a full
/// quota) only loses this convenience.
pub fn keep(workspace: &str, session: &KeptSession) {
    let _ = LocalStorage::set(storage_key(workspace), session.encode());
}

/// A renamed workspace keeps its session under its new name.
pub fn move_kept(from: &str, to: &str) {
    if let Ok(entries) = LocalStorage::get::<Vec<String>>(storage_key(from)) {
        let _ = LocalStorage::set(storage_key(to), entries);
    }
    forget_kept(from);
}

/// A deleted workspace's session goes with it.
pub fn forget_kept(workspace: &str) {
    LocalStorage::delete(storage_key(workspace));
}
