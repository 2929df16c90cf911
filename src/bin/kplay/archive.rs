//! `kplay export --data-dir DIR FILE.tar` and `kplay import --data-dir DIR FILE.tar`: a data dir
//! as the tar archive the web page's "Download .tar" writes and "Import .tar" reads
//! (`storage::tar`). Export archives every file under DIR; import refuses a DIR that holds
//! anything, and an archive that is corrupt or not a kplay data dir, before writing a byte.

use kafka_playground::engine::persist::workspace::restore_workspace;
use kafka_playground::engine::ClusterOptions;
use kafka_playground::storage::tar::{read_tar, write_tar};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: kplay export|import --data-dir DIR FILE.tar";

/// Runs `export` or `import` when `args` start with one; `None` for any other command line.
pub fn run(args: &[String]) -> Option<ExitCode> {
    let verb = args.first()?.as_str();
    if verb != "export" && verb != "import" {
        return None;
    }
    let result = parse(&args[1..]).and_then(|(dir, file)| match verb {
        "export" => export(&dir, &file),
        _ => import(&dir, &file),
    });
    Some(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kplay {verb}: {message}");
            ExitCode::from(2)
        }
    })
}

fn parse(args: &[String]) -> Result<(String, String), String> {
    let (mut dir, mut file) = (None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data-dir" => dir = args.next().cloned(),
            other if file.is_none() && !other.starts_with("--") => file = Some(other.to_string()),
            other => return Err(format!("unexpected argument '{other}'\n{USAGE}")),
        }
    }
    match (dir, file) {
        (Some(dir), Some(file)) => Ok((dir, file)),
        _ => Err(format!("--data-dir DIR and FILE.tar are required\n{USAGE}")),
    }
}

fn export(dir: &str, file: &str) -> Result<(), String> {
    let mut files = BTreeMap::new();
    collect(Path::new(dir), "", &mut files).map_err(|e| format!("cannot read {dir}: {e}"))?;
    if files.is_empty() {
        return Err(format!("{dir} holds no files"));
    }
    // Time 0 on every entry: the same data dir always makes the same archive.
    let tar = write_tar(&files, 0).map_err(|e| e.to_string())?;
    std::fs::write(file, tar).map_err(|e| format!("cannot write {file}: {e}"))
}

/// Every regular file under `dir`, by its `/`-separated path below the data dir.
fn collect(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}{name}");
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(&entry.path(), &format!("{path}/"), files)?;
        } else if kind.is_file() {
            files.insert(path, std::fs::read(entry.path())?);
        }
    }
    Ok(())
}

fn import(dir: &str, file: &str) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let files = read_tar(&bytes).map_err(|e| format!("{file}: {e}"))?;
    match restore_workspace(&ClusterOptions::default(), files.clone()) {
        Ok(Some(_)) => {}
        Ok(None) => return Err(format!("{file} holds no kplay data dir")),
        Err(e) => return Err(format!("{file}: {e}")),
    }
    let root = Path::new(dir);
    if std::fs::read_dir(root).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(format!("{dir} is not empty; import into a new directory"));
    }
    for (path, bytes) in files {
        let target = root.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(())
}
