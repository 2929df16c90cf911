//! Workspaces in IndexedDB (`ui::workspaces`, `storage::registry`): create with a broker count
//! and seed, copy (duplicate, and the first half of a rename), delete, list, export's codec and
//! import's refusal of a corrupt or foreign archive — in headless Chromium.

use kafka_playground::engine::persist::workspace::restore_workspace;
use kafka_playground::engine::ClusterOptions;
use kafka_playground::i18n::Lang;
use kafka_playground::storage::indexeddb::Workspace;
use kafka_playground::storage::registry::{after_delete, copy_name, validate_new_name};
use kafka_playground::storage::tar::write_tar;
use kafka_playground::ui::workspaces;
use wasm_bindgen_test::*;

async fn gone(name: &str) {
    let _ = Workspace::delete(name).await;
}

#[wasm_bindgen_test]
fn registry_logic_runs_in_wasm_as_natively() {
    let names = vec!["lab".to_string(), "lab copy".to_string()];
    assert_eq!(copy_name("lab", &names), "lab copy 2");
    assert!(validate_new_name("lab", &names)
        .expect_err("refused")
        .to_string()
        .contains("already exists"));
    assert!(validate_new_name("x/y", &names)
        .expect_err("refused")
        .to_string()
        .contains("'/'"));
    assert_eq!(after_delete(&names, "lab", "default"), "lab copy");
}

#[wasm_bindgen_test]
async fn create_copy_and_delete_workspaces_in_indexeddb() {
    for name in ["ws-a", "ws-b"] {
        gone(name).await;
    }
    workspaces::create(Lang::En, "ws-a", 2, 42, &[])
        .await
        .expect("created");
    let files = workspaces::files_of("ws-a").await.expect("read");
    let restored = restore_workspace(&ClusterOptions::default(), files.clone())
        .expect("restores")
        .expect("not empty");
    assert_eq!(restored.cluster.options().seed, 42);
    assert_eq!(restored.cluster.brokers().count(), 2);
    assert!(workspaces::list("default")
        .await
        .contains(&"ws-a".to_string()));

    // A copy holds the same files; a copy onto an existing name is refused.
    let existing = workspaces::list("default").await;
    workspaces::copy(Lang::En, "ws-a", "ws-b", &existing)
        .await
        .expect("copied");
    assert_eq!(workspaces::files_of("ws-b").await.expect("read"), files);
    let existing = workspaces::list("default").await;
    let refused = workspaces::copy(Lang::En, "ws-a", "ws-b", &existing)
        .await
        .expect_err("refused");
    assert!(refused.contains("already exists"), "{refused}");
    let usage = workspaces::usage("ws-b").await.expect("usage");
    assert!(usage.get(&Some(1)).is_some_and(|&b| b > 0), "{usage:?}");
    assert!(usage.get(&Some(2)).is_some_and(|&b| b > 0), "{usage:?}");

    workspaces::delete("ws-a").await.expect("deleted");
    let names = workspaces::list("default").await;
    assert!(!names.contains(&"ws-a".to_string()), "{names:?}");
    assert!(names.contains(&"ws-b".to_string()), "{names:?}");
    gone("ws-b").await;
}

#[wasm_bindgen_test]
async fn import_reads_a_data_dir_archive_and_refuses_a_corrupt_one() {
    for name in ["ws-src", "ws-imported", "ws-broken"] {
        gone(name).await;
    }
    workspaces::create(Lang::En, "ws-src", 1, 3, &[])
        .await
        .expect("created");
    let files = workspaces::files_of("ws-src").await.expect("read");
    let tar = write_tar(&files, 0).expect("archive");
    workspaces::import(Lang::En, "ws-imported", &tar, &[])
        .await
        .expect("imported");
    assert_eq!(
        workspaces::files_of("ws-imported").await.expect("read"),
        files
    );

    // A stale list never lets an import overwrite a workspace that holds files.
    let error = workspaces::import(Lang::En, "ws-src", &tar, &[])
        .await
        .expect_err("refused");
    assert!(error.contains("already exists"), "{error}");
    assert_eq!(workspaces::files_of("ws-src").await.expect("read"), files);

    // Cut in the middle: refused, and no workspace is made.
    let error = workspaces::import(Lang::En, "ws-broken", &tar[..700], &[])
        .await
        .expect_err("refused");
    assert!(error.starts_with("Cannot import: "), "{error}");
    // A tar that is not a data dir.
    let other = write_tar(
        &[("notes.txt".to_string(), b"hi".to_vec())]
            .into_iter()
            .collect(),
        0,
    )
    .expect("archive");
    let error = workspaces::import(Lang::En, "ws-broken", &other, &[])
        .await
        .expect_err("refused");
    assert!(error.contains("no kplay data dir"), "{error}");
    let names = workspaces::list("default").await;
    assert!(!names.contains(&"ws-broken".to_string()), "{names:?}");
    for name in ["ws-src", "ws-imported"] {
        gone(name).await;
    }
}
