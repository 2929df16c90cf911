//! A workspace as a tar archive: the POSIX ustar codec behind the page's "Download .tar" and
//! "Import .tar" (pure Rust, no web dependency, both targets).
//!
//! [`write_tar`] lays a workspace's files (path → bytes, `broker-N/…` plus the metadata file)
//! out exactly as `kplay --data-dir DIR` keeps DIR, so `tar -xf x.tar -C DIR && kplay --data-dir
//! DIR` continues the cluster. Every parent directory gets its own entry (mode 0755, files 0644),
//! as `tar -cf` of a directory would write them; a path longer than the 100-byte name field is
//! split into ustar's `prefix` and `name` at a `/` (POSIX.1-1988 ustar, pax spec "ustar
//! Interchange Format").
//!
//! [`read_tar`] reads such an archive and also what GNU and bsd `tar -cf` write of a data dir:
//! `./`-prefixed names, directory entries (skipped: directories exist only through their files),
//! GNU `././@LongLink` long names (type `L`), pax extended headers (type `x`, its `path`
//! record; global `g` headers are ignored), octal or GNU base-256 sizes, and an archive that
//! ends with one zero block or none. Anything else — a symbolic or hard link, a device, a bad
//! checksum, a name that would leave the directory, a truncated entry — is an error naming the
//! entry, never a panic, and nothing of the archive is returned.

use super::validate_path;
use std::collections::{BTreeMap, BTreeSet};

const BLOCK: usize = 512;
/// `magic` + `version` of POSIX ustar and of GNU tar's pre-POSIX format.
const USTAR_MAGIC: &[u8; 8] = b"ustar\x0000";
const GNU_MAGIC: &[u8; 8] = b"ustar  \x00";

/// Why an archive cannot be read or a workspace cannot be written as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TarError {
    #[error("not a tar archive: {0}")]
    NotTar(String),
    #[error("the archive is truncated: {0}")]
    Truncated(String),
    #[error("entry '{name}': {reason}")]
    BadEntry { name: String, reason: String },
    #[error("cannot write '{0}' into a tar archive: the path is too long for the ustar format")]
    NameTooLong(String),
}

/// The archive of `files`, with `mtime` (seconds since the epoch) on every entry.
pub fn write_tar(files: &BTreeMap<String, Vec<u8>>, mtime: u64) -> Result<Vec<u8>, TarError> {
    let mut out = Vec::new();
    let mut dirs_written = BTreeSet::new();
    for (path, bytes) in files {
        validate_path(path).map_err(|e| bad(path, e))?;
        // Each parent directory once, before its first file, as `tar -cf` of a directory does.
        for (slash, _) in path.match_indices('/') {
            let dir = &path[..=slash];
            if dirs_written.insert(dir) {
                out.extend_from_slice(&header(dir, 0, b'5', 0o755, mtime)?);
            }
        }
        out.extend_from_slice(&header(path, bytes.len() as u64, b'0', 0o644, mtime)?);
        out.extend_from_slice(bytes);
        out.resize(out.len().next_multiple_of(BLOCK), 0);
    }
    // The end of the archive: two zero blocks, then (as GNU tar does) padding to 10 KiB.
    out.resize(out.len() + 2 * BLOCK, 0);
    out.resize(out.len().next_multiple_of(20 * BLOCK), 0);
    Ok(out)
}

/// One entry's header: a ustar header block, preceded by a pax extended header carrying the
/// whole path when it does not fit ustar's `prefix` and `name` (a Kafka topic name may be 249
/// characters long; GNU tar and bsdtar read pax headers).
fn header(path: &str, size: u64, kind: u8, mode: u32, mtime: u64) -> Result<Vec<u8>, TarError> {
    if let Some((prefix, name)) = split_name(path) {
        return Ok(ustar_block(prefix, name, size, kind, mode, mtime).to_vec());
    }
    if path.len() > 4096 {
        return Err(TarError::NameTooLong(path.to_string()));
    }
    let record = pax_record("path", path);
    let mut out = ustar_block("", "PaxHeader", record.len() as u64, b'x', 0o644, mtime).to_vec();
    out.extend_from_slice(record.as_bytes());
    out.resize(out.len().next_multiple_of(BLOCK), 0);
    // The ustar header keeps what fits of the name, for readers without pax support.
    let from = (path.len() - 100..path.len())
        .find(|&i| path.is_char_boundary(i))
        .unwrap_or(path.len());
    let short = &path[from..];
    out.extend_from_slice(&ustar_block("", short, size, kind, mode, mtime));
    Ok(out)
}

/// A pax record: `"<length> <key>=<value>\n"`, the length counting itself.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while len.to_string().len() + body.len() != len {
        len = len.to_string().len() + body.len();
    }
    format!("{len}{body}")
}

fn ustar_block(
    prefix: &str,
    name: &str,
    size: u64,
    kind: u8,
    mode: u32,
    mtime: u64,
) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h[100..108], u64::from(mode));
    octal(&mut h[108..116], 0); // uid
    octal(&mut h[116..124], 0); // gid
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], mtime);
    h[156] = kind;
    h[257..265].copy_from_slice(USTAR_MAGIC);
    h[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    // The checksum is computed with its own field as eight spaces, then written as six octal
    // digits, a NUL and a space.
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..154].copy_from_slice(format!("{sum:06o}").as_bytes());
    h[154] = 0;
    h
}

/// `(prefix, name)` with `name` ≤ 100 bytes and `prefix` ≤ 155, split at a `/`.
fn split_name(path: &str) -> Option<(&str, &str)> {
    if path.len() <= 100 {
        return Some(("", path));
    }
    // The split `/` belongs to neither field; a directory's trailing `/` stays in `name`.
    let body = path.strip_suffix('/').unwrap_or(path);
    body.char_indices()
        .filter(|&(i, c)| c == '/' && i <= 155 && path.len() - i - 1 <= 100)
        .map(|(i, _)| (&path[..i], &path[i + 1..]))
        .next()
}

/// Writes `value` as zero-padded octal digits and a NUL terminator.
fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    // Values here (file sizes below `MAX_FILE_BYTES`, seconds) fit the 11 digits; a larger one
    // saturates rather than wrapping.
    let digits = format!("{:0width$o}", value.min((1 << (3 * width)) - 1));
    field[..width].copy_from_slice(digits.as_bytes());
    field[width] = 0;
}

/// Every regular file of the archive, by its path relative to the archive's root.
pub fn read_tar(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, TarError> {
    let mut files = BTreeMap::new();
    let mut at = 0;
    // A name set by a GNU long-name entry or a pax header for the next entry.
    let mut next_name: Option<String> = None;
    let mut entries = 0;
    loop {
        let Some(h) = bytes.get(at..at + BLOCK) else {
            // Ran out of blocks without an end-of-archive block: fine on a block boundary (some
            // writers omit it), a torn header otherwise.
            if at < bytes.len() {
                return Err(TarError::Truncated(format!(
                    "{} bytes after the last entry are not a whole header",
                    bytes.len() - at
                )));
            }
            break;
        };
        if h.iter().all(|&b| b == 0) {
            break;
        }
        check_header(h, entries)?;
        let raw_name = header_name(h);
        let name = next_name.take().unwrap_or_else(|| raw_name.clone());
        let size =
            parse_size(&h[124..136]).ok_or_else(|| bad(&name, "its size field is not a number"))?;
        let start = at + BLOCK;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| start.checked_add(s))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| {
                TarError::Truncated(format!("entry '{name}' says it holds {size} bytes"))
            })?;
        let data = &bytes[start..end];
        match h[156] {
            b'0' | 0 | b'7' => {
                if let Some(path) = normalize(&name)? {
                    files.insert(path, data.to_vec());
                }
            }
            b'5' => {
                normalize(&name)?;
            }
            b'L' => next_name = Some(c_string(data)),
            b'x' => next_name = pax_path(data).map_err(|reason| bad(&name, reason))?,
            b'g' => {}
            kind => return Err(bad(&name, unsupported(kind))),
        }
        entries += 1;
        at = end.next_multiple_of(BLOCK);
    }
    if entries == 0 {
        return Err(TarError::NotTar("it holds no entries".to_string()));
    }
    if next_name.is_some() {
        return Err(TarError::Truncated(
            "a long-name header is not followed by its entry".to_string(),
        ));
    }
    Ok(files)
}

fn bad(name: &str, reason: impl ToString) -> TarError {
    TarError::BadEntry {
        name: name.to_string(),
        reason: reason.to_string(),
    }
}

/// The magic and the checksum; the first header's failure means "not a tar at all".
fn check_header(h: &[u8], entries: usize) -> Result<(), TarError> {
    let name = header_name(h);
    let magic = &h[257..265];
    // GNU tar writes "ustar  \0"; POSIX "ustar\0" and a version ("00", or blanks from old tools).
    let known = magic == GNU_MAGIC || magic == USTAR_MAGIC || &magic[..6] == b"ustar\x00";
    if !known {
        return Err(if entries == 0 {
            TarError::NotTar("no ustar or GNU tar header at the start".to_string())
        } else {
            bad(&name, "its header is not a ustar or GNU tar header")
        });
    }
    let stored = parse_octal(&h[148..156]);
    let unsigned: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    let signed: i64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                i64::from(b as i8)
            }
        })
        .sum();
    let matches =
        stored.is_some_and(|s| s == unsigned || i64::try_from(s).is_ok_and(|s| s == signed));
    if !matches {
        return Err(bad(
            &name,
            "header checksum mismatch (the archive is corrupt)",
        ));
    }
    Ok(())
}

/// `prefix/name` of a header, as stored.
fn header_name(h: &[u8]) -> String {
    let name = c_string(&h[..100]);
    let prefix = c_string(&h[345..500]);
    // GNU headers use the prefix bytes for other fields; only ustar has a prefix.
    if &h[257..265] != GNU_MAGIC && !prefix.is_empty() {
        format!("{prefix}/{name}")
    } else {
        name
    }
}

/// Bytes up to the first NUL, as text (lossy: a bad byte fails the path check later).
fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// An octal field: digits with optional leading spaces, ended by NUL or space.
fn parse_octal(field: &[u8]) -> Option<u64> {
    let text = field
        .split(|&b| b == 0)
        .next()
        .unwrap_or_default()
        .trim_ascii();
    if text.is_empty() {
        return Some(0);
    }
    text.iter().try_fold(0u64, |n, &b| {
        let digit = (b as char).to_digit(8)?;
        n.checked_mul(8)?.checked_add(u64::from(digit))
    })
}

/// A size field: octal, or GNU's base-256 (high bit of the first byte set).
fn parse_size(field: &[u8]) -> Option<u64> {
    if field[0] & 0x80 == 0 {
        return parse_octal(field);
    }
    if field[0] & 0x40 != 0 {
        return None; // negative
    }
    field[1..]
        .iter()
        .try_fold(u64::from(field[0] & 0x3f), |n, &b| {
            n.checked_mul(256)?.checked_add(u64::from(b))
        })
}

/// The `path` record of a pax extended header (`"<len> path=<value>\n"` records).
fn pax_path(data: &[u8]) -> Result<Option<String>, &'static str> {
    let mut rest = data;
    let mut path = None;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .position(|&b| b == b' ')
            .ok_or("a malformed pax record")?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|&n| n > space + 1 && n <= rest.len())
            .ok_or("a malformed pax record length")?;
        let record = &rest[space + 1..len - 1];
        if let Some(value) = record.strip_prefix(b"path=") {
            path = Some(String::from_utf8_lossy(value).into_owned());
        }
        rest = &rest[len..];
    }
    Ok(path)
}

/// The path relative to the archive's root: `./` prefixes and a directory's trailing `/`
/// removed; `None` for the root itself. A path that would leave the directory is an error.
fn normalize(name: &str) -> Result<Option<String>, TarError> {
    let mut path = name;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let path = path.trim_end_matches('/');
    if path.is_empty() || path == "." {
        return Ok(None);
    }
    validate_path(path).map_err(|e| bad(name, e))?;
    Ok(Some(path.to_string()))
}

fn unsupported(kind: u8) -> String {
    let what = match kind {
        b'1' => "a hard link".to_string(),
        b'2' => "a symbolic link".to_string(),
        b'3' | b'4' => "a device file".to_string(),
        b'6' => "a FIFO".to_string(),
        other => format!("an entry of type '{}'", other.escape_ascii()),
    };
    format!("{what}; a data dir archive holds only files and directories")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "tar_tests.rs"]
mod tests;
