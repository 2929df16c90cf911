//! The tar codec: round trips (examples and proptest), names too long for one field, what
//! `tar -cf` of a data dir writes, and malformed archives.

use super::*;
use proptest::prelude::*;

fn files(entries: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
    entries
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect()
}

fn data_dir() -> BTreeMap<String, Vec<u8>> {
    files(&[
        ("broker-1/meta.properties", b"node.id=1\n"),
        ("broker-1/t-0/00000000000000000000.log", &[7u8; 700]),
        ("broker-1/t-0/00000000000000000000.index", b""),
        ("playground-metadata.properties", b"seed=7\n"),
    ])
}

#[test]
fn round_trip_keeps_every_file_and_writes_directory_entries() {
    let tar = write_tar(&data_dir(), 1_735_689_600).unwrap();
    assert_eq!(tar.len() % (20 * BLOCK), 0);
    assert_eq!(read_tar(&tar).unwrap(), data_dir());
    // `broker-1/` and `broker-1/t-0/` each have a directory header.
    let names: Vec<String> = (0..tar.len() / BLOCK)
        .map(|i| &tar[i * BLOCK..(i + 1) * BLOCK])
        .filter(|h| h[156] == b'5')
        .map(header_name)
        .collect();
    assert_eq!(names, ["broker-1/", "broker-1/t-0/"]);
}

#[test]
fn a_long_path_is_split_into_prefix_and_name() {
    let topic = "a".repeat(120);
    let path = format!("broker-2/{topic}-0/00000000000000000000.timeindex");
    let input = files(&[(path.as_str(), b"x")]);
    let tar = write_tar(&input, 0).unwrap();
    assert_eq!(read_tar(&tar).unwrap(), input);
    // A 249-character topic name does not fit ustar's fields: a pax header carries the path.
    let topic = "b".repeat(249);
    let path = format!("broker-1/{topic}-0/00000000000000000000.log");
    let input = files(&[(path.as_str(), b"y")]);
    let tar = write_tar(&input, 0).unwrap();
    // `broker-1/`, then a pax header for the partition directory's name.
    assert_eq!((tar[156], tar[BLOCK + 156]), (b'5', b'x'));
    assert_eq!(read_tar(&tar).unwrap(), input);
}

#[test]
fn dot_slash_names_directories_and_gnu_long_names_are_read() {
    let mut tar = Vec::new();
    tar.extend_from_slice(&header("./", 0, b'5', 0o755, 0).unwrap());
    tar.extend_from_slice(&header("./broker-1/", 0, b'5', 0o755, 0).unwrap());
    let long = format!("./broker-1/{}-0/leader-epoch-checkpoint", "z".repeat(200));
    let mut long_name = long.clone().into_bytes();
    long_name.push(0);
    tar.extend_from_slice(
        &header("././@LongLink", long_name.len() as u64, b'L', 0o644, 0).unwrap(),
    );
    long_name.resize(BLOCK, 0);
    tar.extend_from_slice(&long_name);
    tar.extend_from_slice(&header("truncated-name", 2, b'0', 0o644, 0).unwrap());
    let mut data = b"0\n".to_vec();
    data.resize(BLOCK, 0);
    tar.extend_from_slice(&data);
    let read = read_tar(&tar).unwrap();
    assert_eq!(read, files(&[(&long[2..], b"0\n")]));
}

#[test]
fn a_pax_path_names_the_next_entry() {
    let record = pax_record("path", "broker-1/x/recovered");
    assert_eq!(record, "29 path=broker-1/x/recovered\n");
    assert_eq!(
        pax_record("k", &"v".repeat(95)),
        format!("102 k={}\n", "v".repeat(95))
    );
    let mut tar = header("PaxHeaders/x", record.len() as u64, b'x', 0o644, 0).unwrap();
    let mut body = record.as_bytes().to_vec();
    body.resize(BLOCK, 0);
    tar.extend_from_slice(&body);
    tar.extend_from_slice(&header("short", 0, b'0', 0o644, 0).unwrap());
    assert_eq!(
        read_tar(&tar).unwrap(),
        files(&[("broker-1/x/recovered", b"")])
    );
}

#[test]
fn malformed_archives_are_refused_with_a_reason() {
    let good = write_tar(&data_dir(), 0).unwrap();
    assert!(matches!(read_tar(b""), Err(TarError::NotTar(_))));
    assert!(matches!(read_tar(&[0u8; 1024]), Err(TarError::NotTar(_))));
    assert!(matches!(
        read_tar(b"PK\x03\x04 a zip file"),
        Err(TarError::Truncated(_)) | Err(TarError::NotTar(_))
    ));
    assert!(matches!(read_tar(&[b'x'; 1024]), Err(TarError::NotTar(_))));
    // A flipped byte in a header breaks its checksum.
    let mut corrupt = good.clone();
    corrupt[3] ^= 1;
    let error = read_tar(&corrupt).unwrap_err().to_string();
    assert!(error.contains("checksum mismatch"), "{error}");
    // Cut inside the log file's data.
    let cut = &good[..BLOCK * 5 + 100];
    assert!(matches!(read_tar(cut), Err(TarError::Truncated(_))));
    // A symbolic link, and a path that leaves the directory.
    let link = header("broker-1/link", 0, b'2', 0o777, 0).unwrap();
    assert!(read_tar(&link)
        .unwrap_err()
        .to_string()
        .contains("a symbolic link"));
    let escape = header("../etc/passwd", 0, b'0', 0o644, 0).unwrap();
    assert!(read_tar(&escape).unwrap_err().to_string().contains("'..'"));
    let absolute = header("/etc/passwd", 0, b'0', 0o644, 0).unwrap();
    assert!(read_tar(&absolute)
        .unwrap_err()
        .to_string()
        .contains("absolute"));
}

#[test]
fn every_prefix_of_an_archive_reads_or_fails_without_panicking() {
    let good = write_tar(&data_dir(), 0).unwrap();
    for len in 0..good.len() {
        let _ = read_tar(&good[..len]);
    }
}

#[test]
fn size_fields_in_octal_and_base_256() {
    assert_eq!(parse_size(b"00000001750\0"), Some(1000));
    assert_eq!(parse_size(b"     1750 \0\0"), Some(1000));
    let mut base256 = [0u8; 12];
    base256[0] = 0x80;
    base256[10] = 0x03;
    base256[11] = 0xe8;
    assert_eq!(parse_size(&base256), Some(1000));
    assert_eq!(parse_size(b"0000000175x\0"), None);
}

fn path_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-zA-Z0-9._-]{1,40}", 1..5).prop_map(|parts| {
        parts
            .into_iter()
            .map(|p| {
                if p == "." || p == ".." {
                    "d".to_string()
                } else {
                    p
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    })
}

proptest! {
    #[test]
    fn any_workspace_round_trips(
        input in prop::collection::btree_map(path_strategy(), prop::collection::vec(any::<u8>(), 0..1500), 0..8),
        mtime in 0u64..0o777_7777_7777,
    ) {
        // A file and a directory of the same name cannot both exist: keep only leaves.
        let input: BTreeMap<String, Vec<u8>> = input
            .iter()
            .filter(|(p, _)| !input.keys().any(|q| q.starts_with(&format!("{p}/"))))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        prop_assume!(!input.is_empty());
        let tar = write_tar(&input, mtime).unwrap();
        prop_assert_eq!(read_tar(&tar).unwrap(), input);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let _ = read_tar(&bytes);
    }
}
