//! One running producer's card: its settings, its counts and rate, its last error in Kafka's
//! words, where its acknowledged records landed (a bar per partition, and for keyed records
//! which partition each of the first keys goes to), the acknowledged records a failover lost,
//! and a Stop button that runs `producer stop NAME` through the terminal.

use crate::engine::client::background::{BackgroundProducer, KeyPattern};
use crate::engine::client::producer::{Acks, RetryingBatch};
use crate::engine::client::producer_view::{
    acknowledged_per_partition, key_partitions, uncommitted_acknowledged,
};
use crate::i18n::{tr, trf, Lang};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use crate::ui::producers::{loss_text, sh_quote, LossMemo, RateSample};
use crate::ui::store::Action;
use crate::ui::terminal::session::CommandRequest;
use yew::prelude::*;

/// How many keys the "key → partition" table shows.
const KEYS_SHOWN: u64 = 8;

#[derive(Properties, PartialEq)]
pub struct ProducerCardProps {
    pub name: AttrValue,
}

#[component]
pub fn ProducerCard(props: &ProducerCardProps) -> Html {
    let lang = use_lang();
    let store = use_slow_store();
    // Kept between renders: the loss check runs only when a leader changed (`LossMemo`).
    let loss = use_mut_ref(LossMemo::default);
    let rate = use_mut_ref(RateSample::default);
    let Some(store) = store else {
        return html! {};
    };
    let cluster = &store.cluster();
    let Some(producer) = cluster.background_producers().get(props.name.as_str()) else {
        return html! {};
    };
    let spec = &producer.spec;
    let partitions = cluster
        .topic(&spec.topic)
        .map_or(0, |t| i32::try_from(t.partitions.len()).unwrap_or(0));
    loss.borrow_mut().refresh(producer, cluster);
    rate.borrow_mut()
        .update(cluster.now().as_millis(), producer.stats.acknowledged);
    let per_sec = rate.borrow().per_sec;
    let report = loss.borrow().report.clone();
    let stats = producer.stats;
    let waiting = stats
        .sent
        .saturating_sub(stats.acknowledged)
        .saturating_sub(stats.failed);
    let onclick = {
        let (store, line) = (
            store.clone(),
            format!("producer stop {}", sh_quote(&spec.name)),
        );
        Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::RunCommand(CommandRequest::typed(&line)))
        })
    };
    let lost = loss_text(lang, &spec.topic, &report);
    html! {
        <li class="producer-card" data-testid="producer-card" data-name={spec.name.clone()}
            data-sent={stats.sent.to_string()} data-acknowledged={stats.acknowledged.to_string()}
            data-failed={stats.failed.to_string()} data-lost={report.lost.len().to_string()}>
            <div class="producer-head">
                <strong>{spec.name.clone()}</strong>
                <span class="muted">{"→ "}<code>{spec.topic.clone()}</code></span>
                <button class="stop" {onclick} data-testid={format!("stop-producer-{}", spec.name)}
                    aria-label={trf(lang, "Stop producer {}", &[&spec.name])}
                    title={format!("producer stop {}", spec.name)}>{tr(lang, "Stop")}</button>
            </div>
            <div class="producer-settings muted">{settings(lang, producer)}</div>
            <dl class="producer-counts">
                <div><dt>{tr(lang, "sent")}</dt><dd data-testid="producer-sent">{stats.sent.to_string()}</dd></div>
                <div><dt>{tr(lang, "acknowledged")}</dt><dd data-testid="producer-acknowledged">{stats.acknowledged.to_string()}</dd></div>
                <div><dt>{tr(lang, "failed")}</dt><dd class={classes!((stats.failed > 0).then_some("bad"))}
                    data-testid="producer-failed">{stats.failed.to_string()}</dd></div>
                <div title={tr(lang, "Sent but not answered yet: in a batch waiting for linger.ms or batch.size, in flight, or waiting to be retried")}>
                    <dt>{tr(lang, "waiting")}</dt><dd>{waiting.to_string()}</dd></div>
                <div title={tr(lang, "Acknowledged records per simulated second, over the last step of time")}>
                    <dt>{tr(lang, "records/s")}</dt>
                    <dd data-testid="producer-rate-now">{per_sec.map_or("—".to_string(), |r| r.to_string())}</dd></div>
            </dl>
            if let Some(error) = &producer.last_error {
                <div class="outcome error" role="alert" data-testid="producer-last-error">
                    {tr(lang, "Last failed record: ")}<code>{error.code.name()}</code>{" "}{error.message().to_string()}
                </div>
            }
            { retry_view(lang, &spec.config.client_id, &producer.retrying()) }
            { loss_view(lang, producer, lost, uncommitted_acknowledged(producer, cluster), &report.unreadable) }
            { partition_bars(lang, producer, partitions) }
            { key_table(lang, &spec.name, &spec.keys, partitions) }
        </li>
    }
}

fn settings(lang: Lang, producer: &BackgroundProducer) -> String {
    let spec = &producer.spec;
    let acks = match spec.config.acks {
        Acks::Zero => "0",
        Acks::One => "1",
        Acks::All => "all",
    };
    let keys = match &spec.keys {
        KeyPattern::None => tr(lang, "keyless").to_string(),
        KeyPattern::Pattern(p) => trf(lang, "keys {}", &[p]),
    };
    format!(
        "{}/s · {keys} · acks={acks} · linger.ms={} · batch.size={} · enable.idempotence={}",
        spec.rate_per_sec,
        spec.config.linger_ms,
        spec.config.batch_size,
        spec.config.enable_idempotence
    )
}

/// Kafka's `retries` default (`Integer.MAX_VALUE`): `delivery.timeout.ms` ends the retries.
const RETRIES: i64 = i32::MAX as i64;

/// The batches waiting for a retry, one line per partition in the words of the Java client's
/// warning (`Sender.completeBatch`; the model has no correlation ids, so the line leaves it out).
fn retry_view(lang: Lang, client_id: &str, batches: &[RetryingBatch]) -> Html {
    if batches.is_empty() {
        return html! {};
    }
    let records: usize = batches.iter().map(|b| b.records).sum();
    // The latest try per partition.
    let mut latest: Vec<&RetryingBatch> = Vec::new();
    for batch in batches {
        match latest.iter_mut().find(|b| b.partition == batch.partition) {
            Some(seen) if seen.attempts < batch.attempts => *seen = batch,
            Some(_) => {}
            None => latest.push(batch),
        }
    }
    html! {
        <div class="producer-retrying" role="status" data-testid="producer-retrying"
            data-batches={batches.len().to_string()} data-records={records.to_string()}>
            <div>{trf(lang, "{} batch(es), {} record(s) waiting to be retried:", &[&batches.len(), &records])}</div>
            <ul>
                { for latest.iter().map(|b| {
                    // Java counts attempts from 0 when it logs (`retries - batch.attempts() - 1`).
                    let left = RETRIES - i64::from(b.attempts);
                    html! {
                        <li data-partition={b.partition.to_string()} data-error={b.error.code.name()}><code>
                            {format!("WARN [Producer clientId={client_id}] Got error produce response on topic-partition {}-{}, retrying ({left} attempts left). Error: {}",
                                b.topic, b.partition, b.error.code.name())}
                        </code></li>
                    }
                }) }
            </ul>
        </div>
    }
}

fn loss_view(
    lang: Lang,
    producer: &BackgroundProducer,
    lost: Option<String>,
    uncommitted: u64,
    unreadable: &[i32],
) -> Html {
    if producer.spec.config.acks == Acks::Zero {
        return html! {
            <p class="muted" data-testid="producer-loss">
                {tr(lang, "acks=0: the producer never hears back, so it cannot know what was lost.")}
            </p>
        };
    }
    let unreadable = (!unreadable.is_empty()).then(|| {
        let list: Vec<String> = unreadable
            .iter()
            .map(|p| format!("{}-{p}", producer.spec.topic))
            .collect();
        trf(
            lang,
            " Not checked now (no leader to read): {}.",
            &[&list.join(", ")],
        )
    });
    html! {
        <div class={classes!("producer-loss", lost.is_some().then_some("lost"))} data-testid="producer-loss"
            role={if lost.is_some() { "alert" } else { "status" }}>
            if let Some(lost) = lost {
                <strong>{lost}</strong>
                <div class="muted">{tr(lang, "The leader acknowledged them alone (acks=1) and died before a follower copied them; the new leader never had them.")}</div>
            } else {
                {tr(lang, "No acknowledged record lost.")}
            }
            if uncommitted > 0 {
                <span class="muted" title={tr(lang, "acks=1 answers once the leader alone has the record")}>
                    {trf(lang, " {} acknowledged but not committed yet (above the high watermark).", &[&uncommitted])}
                </span>
            }
            if let Some(note) = unreadable { <span class="muted">{note}</span> }
        </div>
    }
}

/// A bar per partition: how many of the remembered acknowledged records landed there.
fn partition_bars(lang: Lang, producer: &BackgroundProducer, partitions: i32) -> Html {
    if producer.spec.config.acks == Acks::Zero || partitions == 0 {
        return html! {};
    }
    let counts = acknowledged_per_partition(producer, partitions);
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    let rows = counts.iter().enumerate().map(|(p, &count)| {
        let width = count * 100 / top;
        html! {
            <li data-testid="partition-bar" data-partition={p.to_string()} data-count={count.to_string()}>
                <span class="bar-label"><code>{format!("{}-{p}", producer.spec.topic)}</code></span>
                <span class="bar" role="img" aria-label={trf(lang, "{} records", &[&count])}>
                    <span class="bar-fill" style={format!("width: {width}%")}></span>
                </span>
                <span class="bar-count">{count.to_string()}</span>
            </li>
        }
    });
    html! {
        <figure class="partition-bars">
            <figcaption class="muted">{tr(lang, "Where acknowledged records landed (the last 100 000 at most)")}</figcaption>
            <ul>{ for rows }</ul>
        </figure>
    }
}

/// The first keys and their partitions, or what a keyless producer does instead.
fn key_table(lang: Lang, name: &str, keys: &KeyPattern, partitions: i32) -> Html {
    // An id unique on the page (producer names are), without whitespace, as HTML wants.
    let id = format!("keys-of-{}", name.replace(char::is_whitespace, "-"));
    let table = key_partitions(keys, partitions, KEYS_SHOWN);
    if table.is_empty() {
        return html! {
            <p class="muted" data-testid="keyless-note">
                {tr(lang, "Keyless records: the sticky partitioner (KIP-480, KIP-794) fills one batch (batch.size) for a partition, then picks another.")}
            </p>
        };
    }
    html! {
        <div class="key-partitions">
        <p class="muted" id={id.clone()}>
            {tr(lang, "Which partition each key goes to: murmur2(key) % partitions, so the same key always goes to the same partition.")}
        </p>
        <table class="key-table" data-testid="key-table" aria-describedby={id}>
            <tbody>
                <tr>
                    <th scope="row">{tr(lang, "key")}</th>
                    { for table.iter().map(|(key, p)| html! {
                        <td data-key={key.clone()} data-partition={p.to_string()}><code>{key.clone()}</code></td>
                    }) }
                </tr>
                <tr>
                    <th scope="row">{tr(lang, "partition")}</th>
                    { for table.iter().map(|(_, p)| html! { <td>{p.to_string()}</td> }) }
                </tr>
            </tbody>
        </table>
        </div>
    }
}
