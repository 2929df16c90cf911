#!/usr/bin/env python3
"""Cross-checks the playground's client-side partition assignors against kafka-python's
independent ones (kafka.coordinator.assignors: RangePartitionAssignor, RoundRobinPartitionAssignor
and, for fresh groups, StickyPartitionAssignor).

  crosscheck_assignors.py verify CASES.json

CASES.json, written by tests/assignors.rs: {"cases": [{"assignor": "range" | "roundrobin" |
"sticky", "partitions": {topic: count}, "members": [{"id": str, "instance": str | null,
"topics": [str]}], "assignment": {member_id: [[topic, partition], ...]}}]}. Members join fresh
(no user data, nothing owned). Each member's partitions are compared as sorted lists (the wire
format, ConsumerProtocolAssignment, groups them by topic anyway). Exit status 0 when every case
agrees, 1 with the differences on stderr.
"""

import json
import sys
from types import SimpleNamespace

import kafka
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolSubscription


class Cluster:
    """Just enough of kafka-python's ClusterMetadata for the assignors."""

    def __init__(self, partitions):
        self.partitions = partitions

    def partitions_for_topic(self, topic):
        if topic not in self.partitions:
            return None
        return set(range(self.partitions[topic]))

    def topics(self):
        return set(self.partitions)


def assignor(name):
    return {
        "range": RangePartitionAssignor,
        "roundrobin": RoundRobinPartitionAssignor,
        "sticky": StickyPartitionAssignor(),
    }[name]


def theirs(case):
    members = [
        SimpleNamespace(
            member_id=m["id"],
            group_instance_id=m["instance"],
            metadata=ConsumerProtocolSubscription(version=0, topics=m["topics"], user_data=b""),
        )
        for m in case["members"]
    ]
    result = assignor(case["assignor"]).assign(Cluster(case["partitions"]), members)
    return {
        member: sorted([topic, p] for topic, parts in a.assigned_partitions for p in parts)
        for member, a in result.items()
    }


def verify(path):
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    errors = []
    counts = {}
    for i, case in enumerate(cases):
        counts[case["assignor"]] = counts.get(case["assignor"], 0) + 1
        expected = theirs(case)
        ours = {m: sorted(v) for m, v in case["assignment"].items()}
        for m in case["members"]:
            mine, other = ours.get(m["id"], []), expected.get(m["id"], [])
            if mine != other:
                errors.append("case %d (%s, partitions %s): member %s playground %s, kafka-python %s"
                              % (i, case["assignor"], case["partitions"], m["id"], mine, other))
                break
    summary = ", ".join("%d %s" % (n, a) for a, n in sorted(counts.items()))
    return errors, "verified %d assignments (%s)" % (len(cases), summary)


def main(argv):
    if len(argv) != 3 or argv[1] != "verify":
        print(__doc__, file=sys.stderr)
        return 2
    errors, summary = verify(argv[2])
    for error in errors[:20]:
        print("MISMATCH " + error, file=sys.stderr)
    print("kafka-python %s: %s%s" % (kafka.__version__, summary,
                                     ", %d mismatches" % len(errors) if errors else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
