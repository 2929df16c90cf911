//! What the network panel shows and runs: the state of every link between two brokers, read
//! from the engine's simulated network (`engine::network`), and the `network …` lines of the
//! command language (docs/CLI.md) its buttons run, built here so the panel, its live preview and
//! the tests agree on the text.

use crate::engine::Cluster;
use crate::i18n::{tr, trf, Lang};

/// One undirected link between two brokers, as the user set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    /// The lower node id first.
    pub a: i32,
    pub b: i32,
    /// `network partition a b`: nothing passes either way.
    pub cut: bool,
    /// Extra one-way delay (the larger of the two directions).
    pub delay_ms: i64,
    /// Share of messages lost, in parts per million (the larger of the two directions).
    pub drop_ppm: u32,
}

impl LinkView {
    /// `cut`, `delayed`, `lossy` or `ok`: the link's CSS class and its words in the legend.
    pub fn state(&self) -> &'static str {
        if self.cut {
            "cut"
        } else if self.drop_ppm > 0 {
            "lossy"
        } else if self.delay_ms > 0 {
            "delayed"
        } else {
            "ok"
        }
    }

    /// What a person reads on the link, in `lang`: `cut`, `+100 ms`, `5% loss`, both, or nothing.
    pub fn label(&self, lang: Lang) -> String {
        if self.cut {
            return tr(lang, "cut").to_string();
        }
        let mut parts = Vec::new();
        if self.delay_ms > 0 {
            parts.push(trf(lang, "+{} ms", &[&self.delay_ms]));
        }
        if self.drop_ppm > 0 {
            parts.push(trf(lang, "{}% loss", &[&percent_text(self.drop_ppm)]));
        }
        parts.join(", ")
    }
}

/// Parts per million as the percentage `network drop` takes (`5`, `0.5`, `0.0001`).
pub fn percent_text(ppm: u32) -> String {
    let whole = ppm / 10_000;
    let fraction = ppm % 10_000;
    if fraction == 0 {
        whole.to_string()
    } else {
        let digits = format!("{fraction:04}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// The broker ids, lowest first.
pub fn node_ids(cluster: &Cluster) -> Vec<i32> {
    cluster.brokers().map(|b| b.node_id).collect()
}

/// Every pair of brokers and the faults on the link between them.
pub fn links(cluster: &Cluster) -> Vec<LinkView> {
    let nodes = node_ids(cluster);
    let network = cluster.network();
    let mut links = Vec::new();
    for (i, &a) in nodes.iter().enumerate() {
        for &b in &nodes[i + 1..] {
            let (ab, ba) = (network.faults(a, b), network.faults(b, a));
            links.push(LinkView {
                a,
                b,
                cut: network.is_partitioned(a, b),
                delay_ms: ab.delay_ms.max(ba.delay_ms),
                drop_ppm: ab.drop_ppm.max(ba.drop_ppm),
            });
        }
    }
    links
}

/// A button of the network panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkVerb {
    Partition,
    Heal,
    /// Extra delay in ms (`network delay A B 100ms`).
    Delay,
    /// Loss in percent (`network drop A B 5`).
    Drop,
    /// `network heal` with no nodes: every partition.
    HealAll,
}

/// The `network …` line for a button, from the two picked nodes and (for Delay and Drop) the
/// typed amount. Refuses, in the words `network` itself uses, what the command would refuse.
pub fn network_line(verb: NetworkVerb, a: i32, b: i32, amount: &str) -> Result<String, String> {
    if verb == NetworkVerb::HealAll {
        return Ok("network heal".to_string());
    }
    if a == b {
        return Err(format!(
            "network: a node cannot be cut off from itself ({a} {b})"
        ));
    }
    let amount = amount.trim();
    match verb {
        NetworkVerb::Partition => Ok(format!("network partition {a} {b}")),
        NetworkVerb::Heal => Ok(format!("network heal {a} {b}")),
        NetworkVerb::Delay => match amount.parse::<u32>() {
            Ok(ms) => Ok(format!("network delay {a} {b} {ms}ms")),
            Err(_) => Err(format!(
                "network: invalid duration '{amount}ms' (use a number with ms, s, m, h or d, e.g. 100ms)"
            )),
        },
        NetworkVerb::Drop => {
            let valid = !amount.is_empty()
                && amount.chars().all(|c| c.is_ascii_digit() || c == '.')
                && amount.parse::<f64>().is_ok_and(|p| (0.0..=100.0).contains(&p));
            if valid {
                Ok(format!("network drop {a} {b} {amount}"))
            } else {
                Err(format!(
                    "network: invalid percentage '{amount}' (a number from 0 to 100, e.g. 5 or 0.5)"
                ))
            }
        }
        NetworkVerb::HealAll => Ok("network heal".to_string()),
    }
}

/// Where node `index` of `count` sits on a circle of radius `r` around `(cx, cy)`, the first
/// at the top, going clockwise (SVG coordinates, y down).
pub fn node_position(index: usize, count: usize, cx: f64, cy: f64, r: f64) -> (f64, f64) {
    if count <= 1 {
        return (cx, cy);
    }
    let angle = std::f64::consts::TAU * index as f64 / count as f64 - std::f64::consts::FRAC_PI_2;
    (cx + r * angle.cos(), cy + r * angle.sin())
}
