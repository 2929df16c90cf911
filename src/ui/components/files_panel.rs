//! The files view: one broker's log dir at a time, as `ls -l` shows it — the checkpoint files
//! with their contents, a folder per topic-partition replica (internal topics' folders
//! gathered), each file's size and unflushed bytes, and a Dump button that runs
//! `kafka-dump-log.sh` on it in the terminal. Closed until asked for: listing every file costs
//! time on each render, and while playback runs the page renders every frame.

use crate::i18n::{tr, trf, Lang};
use crate::ui::files_view::{dump_command, log_dir_listing, DirRow, FileRow};
use crate::ui::format::bytes;
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use crate::ui::store::{Action, ViewChange};
use crate::ui::terminal::session::CommandRequest;
use yew::prelude::*;

#[component]
pub fn FilesPanel() -> Html {
    let lang = use_lang();
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    // Open or closed, and on which broker, is kept in the store, so it comes back after a reload
    // (`ui::session_clients`).
    let kept = store.session.files;
    let open = kept.is_some();
    let chosen = kept.unwrap_or(1);
    let show = {
        let store = store.clone();
        Callback::from(move |node: Option<i32>| {
            store.dispatch(Action::View(ViewChange::Files(node)))
        })
    };
    let toggle = {
        let show = show.clone();
        Callback::from(move |_: MouseEvent| show.emit((!open).then_some(chosen)))
    };
    let toggle = html! {
        <button class="files-toggle" onclick={toggle} aria-expanded={open.to_string()}
            aria-controls="files-body" data-testid="files-toggle">
            { if open { tr(lang, "Hide") } else { tr(lang, "Show the brokers' log dirs") } }
        </button>
    };
    if !open {
        return html! {
            <section class="panel files-panel" aria-labelledby="files-heading" data-testid="files-panel">
                <div class="files-head"><h2 id="files-heading">{tr(lang, "Files")}</h2>{toggle}</div>
            </section>
        };
    }
    let cluster = &store.cluster();
    let ids: Vec<i32> = cluster.brokers().map(|b| b.node_id).collect();
    let node_id = if ids.contains(&chosen) {
        chosen
    } else {
        ids.first().copied().unwrap_or(1)
    };
    let Some(listing) = log_dir_listing(cluster, node_id) else {
        return html! {};
    };
    let tabs = ids.iter().map(|&id| {
        let show = show.clone();
        let selected = id == node_id;
        html! {
            <button role="tab" aria-selected={selected.to_string()} class={classes!(selected.then_some("selected"))}
                onclick={Callback::from(move |_: MouseEvent| show.emit(Some(id)))} data-testid={format!("files-broker-{id}")}>
                {format!("broker-{id}")}
            </button>
        }
    });
    let dump = {
        let store = store.clone();
        Callback::from(move |command: String| {
            store.dispatch(Action::RunCommand(CommandRequest::typed(&command)))
        })
    };
    let (internal, topics): (Vec<&DirRow>, Vec<&DirRow>) =
        listing.dirs.iter().partition(|d| d.internal);
    html! {
        <section class="panel files-panel" aria-labelledby="files-heading" data-testid="files-panel"
            id="files-body">
            <div class="files-head">
                <h2 id="files-heading">{tr(lang, "Files")}</h2>
                <div role="tablist" aria-label={tr(lang, "Broker log dirs")} class="files-tabs">{ for tabs }</div>
                {toggle}
            </div>
            <p class="muted">
                <code>{format!("ls -l {}", listing.log_dir)}</code>
                if !listing.running { {tr(lang, " — the broker is down; its files stay.")} }
                {tr(lang, " Unflushed bytes are still only in the page cache.")}
            </p>
            <ul class="file-list" data-testid="top-files">
                { for listing.top_files.iter().map(|f| file_item(lang, f, &dump)) }
            </ul>
            <ul class="dir-list" data-testid="partition-dirs">
                { for topics.iter().map(|d| dir_item(lang, d, &dump)) }
                if !internal.is_empty() {
                    <li>
                        <details>
                            <summary>{trf(lang, "internal topics: {} folders ({})", &[&internal.len(), &internal_topic_names(&internal)])}</summary>
                            <ul class="dir-list">{ for internal.iter().map(|d| dir_item(lang, d, &dump)) }</ul>
                        </details>
                    </li>
                }
            </ul>
        </section>
    }
}

fn dir_item(lang: Lang, dir: &DirRow, dump: &Callback<String>) -> Html {
    let total: u64 = dir.files.iter().map(|f| f.size).sum();
    html! {
        <li data-testid="log-dir-folder" data-dir={dir.name.clone()}>
            <details>
                <summary><code>{format!("{}/", dir.name)}</code>
                    <span class="muted">{trf(lang, " {} files, {}", &[&dir.files.len(), &bytes(total as i64)])}</span>
                </summary>
                <ul class="file-list">{ for dir.files.iter().map(|f| file_item(lang, f, dump)) }</ul>
            </details>
        </li>
    }
}

fn file_item(lang: Lang, file: &FileRow, dump: &Callback<String>) -> Html {
    let command = dump_command(file);
    let onclick = {
        let (dump, command) = (dump.clone(), command.clone());
        Callback::from(move |_: MouseEvent| dump.emit(command.clone()))
    };
    html! {
        <li class="file" data-testid="log-dir-file" data-name={file.name.clone()}>
            <code class="file-name">{file.name.clone()}</code>
            <span class="file-size">{bytes(file.size as i64)}</span>
            if file.unflushed_bytes > 0 {
                <span class="badge unflushed" title={tr(lang, "Written to the page cache, not yet flushed to the disk back-end")}>
                    {trf(lang, "{} unflushed", &[&bytes(file.unflushed_bytes as i64)])}
                </span>
            }
            if file.dumpable {
                <button class="dump" {onclick} title={command.clone()} data-testid="dump-file">{tr(lang, "Dump")}</button>
            }
            if let Some(text) = &file.text {
                <pre class="file-text">{text.clone()}</pre>
            }
        </li>
    }
}

/// The internal topics the folders belong to, e.g. `__cluster_metadata, __consumer_offsets`.
fn internal_topic_names(dirs: &[&DirRow]) -> String {
    let mut names: Vec<&str> = dirs
        .iter()
        .map(|d| {
            d.name
                .rsplit_once('-')
                .map_or(d.name.as_str(), |(topic, _)| topic)
        })
        .collect();
    names.dedup();
    names.join(", ")
}
