#![cfg(not(target_arch = "wasm32"))]
//! Where produced records go (`engine::partitioner`), checked against Kafka: murmur2's golden
//! vectors from Kafka's `UtilsTest.testMurmur2`, the keyed partition of many keys against
//! kafka-python's port of the Java client (tests/python/crosscheck_murmur2.py), and the sticky
//! partitioner's switching rules from `BuiltInPartitioner` (KIP-480, KIP-794).

use kafka_playground::engine::partitioner::{
    choose_partition, murmur2, partition_for_key, BuiltInPartitioner, PartitionChoice,
    PartitionerError, TopicPartitions,
};
use kafka_playground::engine::rng::Rng;

#[path = "python/runner.rs"]
mod python;

#[test]
fn murmur2_golden_vectors_from_kafka_utils_test() {
    let cases: [(&[u8], i32); 6] = [
        (b"21", -973_932_308),
        (b"foobar", -790_332_482),
        (b"a-little-bit-long-string", -985_981_536),
        (b"a-little-bit-longer-string", -1_486_304_829),
        (
            b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
            -58_897_971,
        ),
        (b"abc", 479_470_107),
    ];
    for (key, hash) in cases {
        assert_eq!(
            murmur2(key),
            hash,
            "murmur2({:?})",
            String::from_utf8_lossy(key)
        );
    }
}

#[test]
fn the_same_key_always_lands_on_the_same_partition() {
    for key in [&b"order-1"[..], b"", b"\xff\xfe"] {
        let first = partition_for_key(key, 12).expect("partitions");
        for _ in 0..3 {
            assert_eq!(partition_for_key(key, 12), Ok(first));
        }
        assert!((0..12).contains(&first));
    }
}

/// A random source that replays fixed numbers, so each switch is predictable.
fn replay(values: &[u32]) -> impl FnMut() -> u32 + '_ {
    let mut next = values.iter().cycle();
    move || next.next().copied().unwrap_or(0)
}

const SIX: TopicPartitions<'static> = TopicPartitions {
    num_partitions: 6,
    available: &[0, 1, 2, 3, 4, 5],
};

#[test]
fn sticky_partition_holds_until_batch_size_bytes_then_switches() {
    let mut partitioner = BuiltInPartitioner::new(100).expect("batch.size");
    let mut random = replay(&[2, 5, 1]);
    assert_eq!(partitioner.peek_current_partition(SIX, &mut random), Ok(2));
    for _ in 0..3 {
        partitioner
            .update_partition_info(30, true, SIX, &mut random)
            .expect("update");
        assert_eq!(partitioner.peek_current_partition(SIX, &mut random), Ok(2));
    }
    // 120 bytes >= batch.size: the next record goes elsewhere, and the count starts again.
    partitioner
        .update_partition_info(30, true, SIX, &mut random)
        .expect("update");
    let info = partitioner.current().expect("a sticky partition");
    assert_eq!((info.partition, info.produced_bytes), (5, 0));
}

#[test]
fn an_unready_batch_delays_the_switch_up_to_twice_batch_size() {
    let mut partitioner = BuiltInPartitioner::new(100).expect("batch.size");
    let mut random = replay(&[0, 4]);
    partitioner
        .peek_current_partition(SIX, &mut random)
        .expect("partition");
    partitioner
        .update_partition_info(150, false, SIX, &mut random)
        .expect("update");
    assert_eq!(partitioner.current().map(|i| i.partition), Some(0));
    partitioner
        .update_partition_info(50, false, SIX, &mut random)
        .expect("update");
    assert_eq!(partitioner.current().map(|i| i.partition), Some(4));
}

#[test]
fn switching_draws_among_available_partitions_then_all() {
    let mut partitioner = BuiltInPartitioner::new(1).expect("batch.size");
    let leaders = TopicPartitions {
        num_partitions: 6,
        available: &[1, 4],
    };
    // Kafka: toPositive(nextInt()) % available.size(); u32::MAX is -1, toPositive gives i32::MAX.
    let mut random = replay(&[u32::MAX]);
    assert_eq!(
        partitioner.peek_current_partition(leaders, &mut random),
        Ok(4)
    );
    let none = TopicPartitions {
        num_partitions: 6,
        available: &[],
    };
    partitioner
        .update_partition_info(1, true, none, &mut random)
        .expect("update");
    assert_eq!(
        partitioner.current().map(|i| i.partition),
        Some(i32::MAX % 6)
    );
    let empty = TopicPartitions {
        num_partitions: 0,
        available: &[],
    };
    let mut fresh = BuiltInPartitioner::new(1).expect("batch.size");
    assert!(fresh.peek_current_partition(empty, &mut random).is_err());
    assert_eq!(
        BuiltInPartitioner::new(0).err(),
        Some(PartitionerError::InvalidStickyBatchSize { size: 0 })
    );
}

#[test]
fn adaptive_partitioning_weights_shorter_queues_as_in_kafkas_example() {
    // BuiltInPartitioner.updatePartitionLoadStats' comment: queue sizes 0 3 1 invert to 4 1 3,
    // a cumulative table 4 5 8: random 0..=3 -> partition 0, 4 -> 1, 5..=7 -> 2.
    let mut partitioner = BuiltInPartitioner::new(1).expect("batch.size");
    partitioner.update_partition_load_stats(&[0, 3, 1], &[0, 1, 2], 3);
    let three = TopicPartitions {
        num_partitions: 3,
        available: &[0, 1, 2],
    };
    let draws: Vec<u32> = (0..16).collect();
    let mut random = replay(&draws);
    let mut picked = Vec::new();
    for _ in 0..16 {
        picked.push(
            partitioner
                .peek_current_partition(three, &mut random)
                .expect("partition"),
        );
        partitioner
            .update_partition_info(1, true, three, &mut random)
            .expect("update");
    }
    // The first draw picks the first partition; each update draws the next one.
    assert_eq!(picked[..8], [0, 0, 0, 0, 1, 2, 2, 2]);
    // Equal queues on every partition: back to uniform.
    partitioner.update_partition_load_stats(&[2, 2, 2], &[0, 1, 2], 3);
    let mut random = replay(&[4]);
    let mut fresh = partitioner.clone();
    fresh
        .update_partition_info(1, true, three, &mut random)
        .expect("update");
    assert_eq!(fresh.current().map(|i| i.partition), Some(4 % 3));
}

#[test]
fn keyless_records_spread_evenly_and_replay_exactly_from_a_seed() {
    let run = |seed: u64| {
        let mut rng = Rng::from_seed(seed);
        let mut random = || rng.next_u32();
        let mut partitioner = BuiltInPartitioner::new(16_384).expect("batch.size");
        let mut counts = [0u32; 6];
        let mut trace = Vec::new();
        for _ in 0..60_000 {
            let p = partitioner
                .peek_current_partition(SIX, &mut random)
                .expect("partition");
            counts[p as usize] += 1;
            trace.push(p);
            partitioner
                .update_partition_info(1_000, true, SIX, &mut random)
                .expect("update");
        }
        (counts, trace)
    };
    let (counts, trace) = run(7);
    assert_eq!(run(7).1, trace, "same seed, same partitions");
    assert_ne!(run(8).1, trace, "another seed, other partitions");
    // 17 records per stay, 3,530 stays: each partition gets 1/6 of them give or take.
    for count in counts {
        assert!((8_000..12_000).contains(&count), "{counts:?}");
    }
}

#[test]
fn explicit_keyed_and_sticky_choices() {
    assert_eq!(
        choose_partition(Some(1), Some(b"k"), 3, false),
        Ok(PartitionChoice::Explicit(1))
    );
    let keyed = partition_for_key(b"k", 3).expect("partitions");
    assert_eq!(
        choose_partition(None, Some(b"k"), 3, false),
        Ok(PartitionChoice::Keyed(keyed))
    );
    assert_eq!(
        choose_partition(None, None, 3, false),
        Ok(PartitionChoice::Sticky)
    );
    assert_eq!(
        choose_partition(None, Some(b"k"), 3, true),
        Ok(PartitionChoice::Sticky)
    );
    assert_eq!(
        choose_partition(Some(5), None, 3, false).map_err(|e| e.to_string()),
        Err("Invalid partition given with record: 5 is not in the range [0...3).".to_owned())
    );
}

#[test]
fn kafka_python_hashes_and_partitions_keys_as_we_do() {
    let test = "kafka_python_hashes_and_partitions_keys_as_we_do";
    if python::require_kafka_python(test).is_none() {
        return;
    }
    let mut keys: Vec<Vec<u8>> = vec![b"21".to_vec(), b"foobar".to_vec(), Vec::new()];
    keys.push("ключ-🔑".as_bytes().to_vec());
    let mut rng = Rng::from_seed(2025);
    for length in 0..=64usize {
        for _ in 0..8 {
            keys.push((0..length).map(|_| rng.next_u32() as u8).collect());
        }
    }
    keys.extend((0..500).map(|i| format!("user-{i}").into_bytes()));
    let counts = [1, 2, 3, 5, 6, 12, 50, 100, 1_000];
    let cases: Vec<String> = keys
        .iter()
        .map(|key| {
            let partitions: Vec<String> = counts
                .iter()
                .map(|&n| format!("[{n}, {}]", partition_for_key(key, n).expect("partitions")))
                .collect();
            format!(
                "{{\"key\": \"{}\", \"murmur2\": {}, \"partitions\": [{}]}}",
                python::hex(key),
                murmur2(key),
                partitions.join(", ")
            )
        })
        .collect();
    let dir = python::scratch_dir("partitioner");
    let file = dir.join("cases.json");
    std::fs::write(
        &file,
        format!("{{\"cases\": [\n{}\n]}}\n", cases.join(",\n")),
    )
    .expect("write cases");
    let path = file.to_string_lossy().into_owned();
    python::run_script("crosscheck_murmur2.py", &["verify", &path]);
    let _ = std::fs::remove_dir_all(&dir);
}
