//! `kafka-console-consumer.sh … &`: a console consumer running as a shell job while simulated
//! time passes (`cli::jobs` prints it and stops it). It polls on its own schedule, as a
//! background consumer does, and keeps what it polled until the shell prints it.
//!
//! What a job has printed — its count and, per partition, the offset after its last record —
//! is counted here as the records are polled, not when the shell shows them: so what the job
//! commits when it stops (`kill -INT %1`, Ctrl-C in the page) depends only on simulated time,
//! and a recorded session replays to the same state. At `--max-messages` the job stops by
//! itself as the real tool does: it commits what it printed and leaves its group.

use super::consumer::{Consumer, ConsumerRecord};
use crate::engine::cluster::Cluster;
use crate::engine::error::ApiError;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::scheduler::Task;
use std::collections::BTreeMap;

/// While a rebalance or a request is in progress, the job's consumer looks again this often.
const SETTLING_POLL_MS: i64 = 10;

/// A console consumer job: its number (`%1`), its command line and its consumer.
#[derive(Debug, Clone)]
pub struct ConsoleJob {
    pub number: u32,
    /// The command as typed, without the `&` (what `jobs` lists).
    pub command: String,
    /// The `--property` settings its lines are formatted with (`cli::formatter`).
    pub properties: BTreeMap<String, String>,
    pub max_messages: Option<i64>,
    /// `None` once the job stopped by itself at `--max-messages`.
    pub consumer: Option<Consumer>,
    /// Records polled so far (the shell prints every one of them).
    pub printed: i64,
    /// Per partition, the offset after the last record polled: what the job commits.
    pub printed_to: BTreeMap<TopicPartition, i64>,
    /// Polled, not shown yet.
    pub unprinted: Vec<ConsumerRecord>,
    /// The poll failed with this; the job stopped.
    pub error: Option<ApiError>,
}

impl ConsoleJob {
    /// Whether the job stopped by itself (at `--max-messages` or on an error).
    pub fn is_done(&self) -> bool {
        self.consumer.is_none()
    }

    fn reached_max(&self) -> bool {
        self.max_messages.is_some_and(|max| self.printed >= max)
    }

    /// Keeps `records` (up to `--max-messages`) for the shell.
    fn keep(&mut self, records: Vec<ConsumerRecord>) {
        for record in records {
            if self.reached_max() {
                break;
            }
            self.printed += 1;
            self.printed_to.insert(
                TopicPartition::new(record.topic.clone(), record.partition),
                record.offset + 1,
            );
            self.unprinted.push(record);
        }
    }
}

impl Cluster {
    /// Starts `consumer` as job `number` (the next free one: see [`Cluster::next_job_number`]).
    pub fn start_console_job(&mut self, job: ConsoleJob) {
        let number = job.number;
        self.console_jobs.insert(number, job);
        self.schedule_in(0, Task::ConsoleJobTick { number });
    }

    /// The number a new job gets: one more than the highest running, as bash numbers them.
    pub fn next_job_number(&self) -> u32 {
        self.console_jobs.keys().next_back().map_or(1, |n| n + 1)
    }

    /// The shell's jobs, by number.
    pub fn console_jobs(&self) -> &BTreeMap<u32, ConsoleJob> {
        &self.console_jobs
    }

    /// Whether a job has lines to show or stopped by itself (what the shell must drain).
    pub fn console_jobs_have_news(&self) -> bool {
        self.console_jobs
            .values()
            .any(|job| !job.unprinted.is_empty() || job.is_done())
    }

    /// The shell's access to its jobs: it takes their lines and removes finished ones.
    pub fn console_jobs_mut(&mut self) -> &mut BTreeMap<u32, ConsoleJob> {
        &mut self.console_jobs
    }

    /// One wake of a job's consumer: its heartbeat thread, then a poll.
    pub(crate) fn run_console_job_tick(&mut self, number: u32) {
        let Some(mut job) = self.console_jobs.remove(&number) else {
            return;
        };
        let Some(mut consumer) = job.consumer.take() else {
            self.console_jobs.insert(number, job);
            return;
        };
        let now = self.now().as_millis();
        consumer.background(self);
        let mut next = now + consumer.config.fetch_max_wait_ms;
        match consumer.poll(self) {
            Ok(records) => {
                if !records.is_empty() {
                    next = now + 1;
                }
                job.keep(records);
            }
            Err(error) => job.error = Some(error),
        }
        if job.reached_max() || job.error.is_some() {
            // ConsoleConsumer's exit: commit exactly what was printed, then close.
            if consumer.membership.is_some() {
                let _ = consumer.commit_async(self, job.printed_to.clone());
                consumer.leave_group(self, "the consumer is being closed");
            }
            self.console_jobs.insert(number, job);
            return;
        }
        if consumer.is_settling() {
            next = next.min(now + SETTLING_POLL_MS);
        }
        if let Some(wake) = consumer.next_wakeup() {
            next = next.min(wake.max(now + 1));
        }
        job.consumer = Some(consumer);
        self.console_jobs.insert(number, job);
        self.scheduler_mut()
            .schedule(next.max(now + 1), Task::ConsoleJobTick { number });
    }
}
