//! What the page says after it restarted the cluster from IndexedDB: a reload is a broker
//! restart from its files (`restore_workspace`), so the page reports what each broker's log
//! loading did, as `kplay --data-dir` prints it on stderr — every `LogManager`/`LogLoader`/
//! `LogSegment` line at INFO and up after an unclean stop (no `.kafka_cleanshutdown` file), and
//! only WARN and up after a clean one, where Kafka's start is quiet.

use crate::cli::log4j;
use crate::engine::log::recovery::{Level, LogDirRecovery};
use crate::i18n::{trf, Lang};

/// A restart's summary and the broker's log lines about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestartReport {
    /// Every log dir had its clean-shutdown file: no log was recovered.
    pub clean: bool,
    /// Logs loaded, over every broker.
    pub logs: usize,
    /// Logs whose segments were revalidated batch by batch (`LogSegment.recover`).
    pub logs_recovered: usize,
    /// Segments revalidated.
    pub segments_recovered: usize,
    /// Bytes cut from segment tails, and the records their batch headers declared.
    pub bytes_truncated: u64,
    pub records_truncated: i64,
    /// Segments deleted after a truncation, indexes rebuilt, swaps finished, temp files removed.
    pub segments_deleted: usize,
    pub indexes_rebuilt: usize,
    pub files_repaired: usize,
    /// As log4j prints them (`[time] LEVEL message (logger)`).
    pub lines: Vec<String>,
}

impl RestartReport {
    /// The report of a restart at `now_ms` (simulated time), or `None` when there is nothing to
    /// say: a clean restart that repaired nothing and logged nothing at WARN or above.
    pub fn from_recovery(dirs: &[LogDirRecovery], now_ms: i64) -> Option<RestartReport> {
        let logs = dirs.iter().flat_map(|d| d.logs.iter());
        let mut report = RestartReport {
            clean: dirs.iter().all(|d| d.had_clean_shutdown),
            logs: logs.clone().count(),
            logs_recovered: logs
                .clone()
                .filter(|l| !l.segments_recovered.is_empty())
                .count(),
            segments_recovered: logs.clone().map(|l| l.segments_recovered.len()).sum(),
            bytes_truncated: logs.clone().map(|l| l.bytes_truncated).sum(),
            records_truncated: logs.clone().map(|l| l.records_truncated).sum(),
            segments_deleted: logs.clone().map(|l| l.segments_deleted.len()).sum(),
            indexes_rebuilt: logs.clone().map(|l| l.indexes_rebuilt.len()).sum(),
            files_repaired: logs
                .clone()
                .map(|l| l.swaps_completed.len() + l.files_deleted.len())
                .sum(),
            lines: Vec::new(),
        };
        for dir in dirs {
            let least = if dir.had_clean_shutdown {
                Level::Warn
            } else {
                Level::Info
            };
            report.lines.extend(
                dir.lines()
                    .iter()
                    .filter(|l| l.level >= least)
                    .map(|l| log4j::line(now_ms, l.level.as_str(), &l.message, l.logger)),
            );
        }
        let repaired = report.bytes_truncated > 0
            || report.segments_deleted > 0
            || report.indexes_rebuilt > 0
            || report.files_repaired > 0;
        (!report.clean || repaired || !report.lines.is_empty()).then_some(report)
    }

    /// The one sentence the page shows, in `lang`.
    pub fn summary(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if self.clean {
            parts.push(trf(
                lang,
                "Restarted from IndexedDB after a clean shutdown: {} logs loaded",
                &[&self.logs],
            ));
        } else {
            parts.push(trf(
                lang,
                "Restarted from IndexedDB after an unclean stop (no clean shutdown file): {} of {} logs recovered ({} segments checked), {} bytes truncated",
                &[&self.logs_recovered, &self.logs, &self.segments_recovered, &self.bytes_truncated],
            ));
        }
        if self.records_truncated > 0 {
            parts.push(trf(
                lang,
                "{} records truncated",
                &[&self.records_truncated],
            ));
        }
        if self.segments_deleted > 0 {
            parts.push(trf(lang, "{} segments deleted", &[&self.segments_deleted]));
        }
        if self.indexes_rebuilt > 0 {
            parts.push(trf(lang, "{} indexes rebuilt", &[&self.indexes_rebuilt]));
        }
        if self.files_repaired > 0 {
            parts.push(trf(
                lang,
                "{} temporary files resolved",
                &[&self.files_repaired],
            ));
        }
        format!("{}.", parts.join(", "))
    }
}
