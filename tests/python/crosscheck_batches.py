#!/usr/bin/env python3
"""Cross-checks the playground's v2 record batch codec against kafka-python, an independent
implementation of Kafka's DefaultRecordBatch / DefaultRecord (kafka.record.default_records).

Driven by tests/record_codec.rs, which writes and reads the files named here:

  crosscheck_batches.py verify BATCHES.bin EXPECTED.json
      Splits BATCHES.bin (batches the playground encoded) with kafka-python's MemoryRecords,
      validates each CRC, decodes every record and compares all header fields and records with
      EXPECTED.json (what the playground meant to encode). Also checks the CRC-32C values listed
      under "crc_checks" with kafka-python's own CRC-32C.

  crosscheck_batches.py build OUT.bin OUT.json
      Builds batches with kafka-python's DefaultRecordBatchBuilder (null and empty keys and
      values, headers, negative and large timestamp deltas, offset gaps, producer state, gzip,
      LogAppendTime, a delete-horizon flag, an empty batch) and writes them to OUT.bin, with
      kafka-python's own reading of them in OUT.json, for the playground to decode.

  crosscheck_batches.py compare EXPECTED.json ACTUAL.json
      Compares two descriptions field by field (the playground's decoding of OUT.bin against
      OUT.json). A batch whose "records" is null in ACTUAL (the playground does not decompress)
      is compared on its header only.

JSON shape: {"batches": [{header fields..., "records": [{"offset", "timestamp", "key",
"value", "headers": [[key, value]]}] | null}], "crc_checks": [{"data", "crc"}]}; bytes are hex
strings, null is null. Exit status 0 when everything matches, 1 with the differences on stderr.
"""

import json
import random
import struct
import sys

import kafka
from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder
from kafka.record.memory_records import MemoryRecords
from kafka.record.util import calc_crc32c

HEADER_FIELDS = [
    "base_offset", "batch_length", "partition_leader_epoch", "magic", "crc", "attributes",
    "compression", "timestamp_type", "is_transactional", "is_control", "last_offset_delta",
    "base_timestamp", "max_timestamp", "producer_id", "producer_epoch", "base_sequence",
    "records_count",
]
ATTRIBUTES_OFFSET = 21


def hex_or_none(data):
    return None if data is None else bytes(data).hex()


def describe(batch, decode_records=True):
    """kafka-python's view of one batch, in the shared JSON shape."""
    described = {
        "base_offset": batch.base_offset,
        "batch_length": batch.size_in_bytes - 12,
        "partition_leader_epoch": batch.leader_epoch,
        "magic": batch.magic,
        "crc": batch.crc,
        "attributes": batch.attributes,
        "compression": batch.compression_type,
        "timestamp_type": batch.timestamp_type,
        "is_transactional": batch.is_transactional,
        "is_control": batch.is_control_batch,
        "last_offset_delta": batch.last_offset_delta,
        "base_timestamp": batch.first_timestamp,
        "max_timestamp": batch.max_timestamp,
        "producer_id": batch.producer_id,
        "producer_epoch": batch.producer_epoch,
        "base_sequence": batch.base_sequence,
        "records_count": batch.records_count,
        "records": None,
    }
    if decode_records:
        described["records"] = [
            {
                "offset": r.offset,
                "timestamp": r.timestamp,
                "key": hex_or_none(r.key),
                "value": hex_or_none(r.value),
                "headers": [[k, hex_or_none(v)] for k, v in r.headers],
            }
            for r in batch
        ]
    return described


def split_batches(data):
    """Splits concatenated batches with kafka-python's MemoryRecords, checking it used every byte."""
    records = MemoryRecords(bytes(data))
    batches = list(records)
    if records.valid_bytes() != len(data):
        raise AssertionError(
            "MemoryRecords used %d of %d bytes" % (records.valid_bytes(), len(data)))
    return batches


def compare(expected, actual, errors):
    exp_batches, act_batches = expected["batches"], actual["batches"]
    if len(exp_batches) != len(act_batches):
        errors.append("batch count: expected %d, got %d" % (len(exp_batches), len(act_batches)))
    for i, (exp, act) in enumerate(zip(exp_batches, act_batches)):
        for field in HEADER_FIELDS:
            if exp.get(field) != act.get(field):
                errors.append("batch %d %s: expected %r, got %r"
                              % (i, field, exp.get(field), act.get(field)))
        if exp["records"] is None or act["records"] is None:
            continue
        if len(exp["records"]) != len(act["records"]):
            errors.append("batch %d record count: expected %d, got %d"
                          % (i, len(exp["records"]), len(act["records"])))
        for j, (er, ar) in enumerate(zip(exp["records"], act["records"])):
            if er != ar:
                errors.append("batch %d record %d: expected %r, got %r" % (i, j, er, ar))


def verify(bin_path, json_path):
    with open(bin_path, "rb") as f:
        data = f.read()
    with open(json_path, encoding="utf-8") as f:
        expected = json.load(f)
    errors = []
    actual = {"batches": []}
    for i, batch in enumerate(split_batches(data)):
        if not isinstance(batch, DefaultRecordBatch):
            errors.append("batch %d is not a v2 batch" % i)
            continue
        if not batch.validate_crc():
            errors.append("batch %d: kafka-python finds the CRC invalid" % i)
        actual["batches"].append(describe(batch))
    compare(expected, actual, errors)
    for check in expected.get("crc_checks", []):
        computed = calc_crc32c(bytes.fromhex(check["data"]))
        if computed != check["crc"]:
            errors.append("crc32c(%s…): playground %d, kafka-python %d"
                          % (check["data"][:16], check["crc"], computed))
    records = sum(len(b["records"] or []) for b in actual["batches"])
    return errors, "verified %d batches, %d records, %d CRC-32C values" % (
        len(actual["batches"]), records, len(expected.get("crc_checks", [])))


def build_one(records, producer=None, compression=0, batch_size=1 << 20):
    """One batch from kafka-python's builder; records are (offset, timestamp, key, value, headers)."""
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=compression, is_transactional=False,
        producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=batch_size)
    if producer is not None:
        builder.set_producer_state(*producer)
    for offset, timestamp, key, value, headers in records:
        if builder.append(offset, timestamp, key, value, headers) is None:
            raise AssertionError("kafka-python refused record %d" % offset)
    return bytearray(builder.build())


def patch(batch, base_offset=None, leader_epoch=None, set_attributes=0, max_timestamp=None):
    """What a broker does to a batch: offsets and epoch outside the CRC, the rest re-checksummed."""
    if base_offset is not None:
        struct.pack_into(">q", batch, 0, base_offset)
    if leader_epoch is not None:
        struct.pack_into(">i", batch, 12, leader_epoch)
    if set_attributes or max_timestamp is not None:
        attributes, = struct.unpack_from(">h", batch, ATTRIBUTES_OFFSET)
        struct.pack_into(">h", batch, ATTRIBUTES_OFFSET, attributes | set_attributes)
        if max_timestamp is not None:
            struct.pack_into(">q", batch, 35, max_timestamp)
        struct.pack_into(">I", batch, 17, calc_crc32c(memoryview(batch)[ATTRIBUTES_OFFSET:]))
    return batch


def built_batches():
    rng = random.Random(20250101)
    t0 = 1735689600000

    def blob(n):
        return bytes(rng.randrange(256) for _ in range(n))

    batches = []
    batches.append(build_one([
        (0, t0, b"key-1", b"value-1", []),
        (1, t0 + 5, None, b"keyless", []),
        (2, t0 + 7, b"", b"", []),
        (3, t0 + 9, b"tombstone", None, []),
    ]))
    batches.append(patch(build_one([
        (0, t0, b"k", b"v", [("trace-id", b"abc"), ("empty", b""), ("null", None)]),
        (1, t0 - 1000, None, None, [("\u043a\u043b\u044e\u0447-\U0001f511", "\u00e9".encode())]),
        (2, 0, b"epoch-zero", blob(300), []),
        (3, t0 + (1 << 40), b"far future", blob(20000), []),
    ]), base_offset=500, leader_epoch=7))
    many = [(i, t0 + rng.randrange(-5000, 5000), blob(rng.randrange(0, 8)) or None,
             blob(rng.randrange(0, 40)), []) for i in range(300)]
    batches.append(patch(build_one(many), base_offset=1 << 33))
    batches.append(build_one([(0, t0, b"a", b"gap", []), (3, t0 + 1, b"b", b"gap", []),
                              (70000, t0 + 2, b"c", b"gap", [])]))
    batches.append(build_one([(i, t0 + i, b"p", b"idempotent", []) for i in range(3)],
                             producer=(123456789, 3, 2147483646, False)))
    batches.append(build_one([(i, t0 + i, None, b"transactional", []) for i in range(2)],
                             producer=(42, 0, 0, True)))
    batches.append(patch(build_one([(i, t0 + i, None, b"late", []) for i in range(3)]),
                         set_attributes=0x08, max_timestamp=t0 + 60000))
    batches.append(patch(build_one([(0, t0, b"k", None, [])]), set_attributes=0x40))
    batches.append(build_one([]))
    batches.append(patch(build_one([(i, t0 + i, b"gz", b"compress me " * 20, [])
                                    for i in range(5)], compression=1), base_offset=900))
    return batches


def build(bin_path, json_path):
    batches = built_batches()
    described = []
    for raw in batches:
        batch = DefaultRecordBatch(bytes(raw))
        if not batch.validate_crc():
            raise AssertionError("kafka-python built a batch with a bad CRC")
        described.append(describe(DefaultRecordBatch(bytes(raw))))
    with open(bin_path, "wb") as f:
        for raw in batches:
            f.write(raw)
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump({"batches": described}, f, ensure_ascii=False, indent=1)
    records = sum(len(b["records"]) for b in described)
    return [], "built %d batches, %d records" % (len(described), records)


def compare_files(expected_path, actual_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    with open(actual_path, encoding="utf-8") as f:
        actual = json.load(f)
    errors = []
    compare(expected, actual, errors)
    return errors, "compared %d batches" % len(expected["batches"])


def main(argv):
    commands = {"verify": verify, "build": build, "compare": compare_files}
    if len(argv) != 4 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    errors, summary = commands[argv[1]](argv[2], argv[3])
    for error in errors[:50]:
        print("MISMATCH " + error, file=sys.stderr)
    print("kafka-python %s: %s%s" % (kafka.__version__, summary,
                                     ", %d mismatches" % len(errors) if errors else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
