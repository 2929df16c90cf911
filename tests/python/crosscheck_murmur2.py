#!/usr/bin/env python3
"""Cross-checks the playground's murmur2 and key partitioning against kafka-python
(kafka.partitioner.default: murmur2 and DefaultPartitioner, ports of the Java client's
Utils.murmur2 and BuiltInPartitioner.partitionForKey).

  crosscheck_murmur2.py verify CASES.json

CASES.json, written by tests/partitioner.rs: {"cases": [{"key": hex, "murmur2": signed int,
"partitions": [[num_partitions, partition], ...]}]}. Exit status 0 when every hash and
partition agrees, 1 with the differences on stderr.
"""

import json
import sys

import kafka
from kafka.partitioner.default import DefaultPartitioner, murmur2


class OneTopicCluster:
    """Just enough of kafka-python's ClusterMetadata for DefaultPartitioner.partition."""

    def __init__(self, num_partitions):
        self.partitions = set(range(num_partitions))

    def topics(self):
        return {"t"}

    def partitions_for_topic(self, topic):
        return self.partitions

    def available_partitions_for_topic(self, topic):
        return self.partitions


def to_signed(h):
    return h - (1 << 32) if h >= 1 << 31 else h


def verify(path):
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    errors = []
    partitions_checked = 0
    for case in cases:
        key = bytes.fromhex(case["key"])
        theirs = to_signed(murmur2(key))
        if theirs != case["murmur2"]:
            errors.append("murmur2(%s): playground %d, kafka-python %d"
                          % (case["key"], case["murmur2"], theirs))
        for num_partitions, partition in case["partitions"]:
            cluster = OneTopicCluster(num_partitions)
            expected = DefaultPartitioner().partition("t", key, key, None, None, cluster)
            partitions_checked += 1
            if expected != partition:
                errors.append("partition of %s among %d: playground %d, kafka-python %d"
                              % (case["key"], num_partitions, partition, expected))
    return errors, "verified %d murmur2 hashes and %d key partitions" % (
        len(cases), partitions_checked)


def main(argv):
    if len(argv) != 3 or argv[1] != "verify":
        print(__doc__, file=sys.stderr)
        return 2
    errors, summary = verify(argv[2])
    for error in errors[:50]:
        print("MISMATCH " + error, file=sys.stderr)
    print("kafka-python %s: %s%s" % (kafka.__version__, summary,
                                     ", %d mismatches" % len(errors) if errors else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
