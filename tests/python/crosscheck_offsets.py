#!/usr/bin/env python3
"""Cross-checks the playground's __consumer_offsets value messages and consumer protocol
payloads against kafka-python's independent, schema-driven codec (kafka.protocol.api_data).

  crosscheck_offsets.py verify CASES.json

CASES.json, written by tests/offsets_records.rs: {"cases": [{"kind": NAME, "hex": BYTES}]}
where BYTES is a version-prefixed message as the playground wrote it (a record value, or a
ConsumerProtocol payload). kafka-python decodes each with the schema NAME (its own
ConsumerProtocolSubscription / ConsumerProtocolAssignment, or the group coordinator schemas
below, transcribed from Kafka 4.1's group-coordinator/src/main/resources/common/message/*.json
with "type" set to "data" so kafka-python loads them), must consume every byte, and must encode
the decoded message back to the same bytes. Exit status 0 when every case agrees, 1 otherwise.
"""

import io
import json
import os
import sys
import tempfile

from kafka.protocol.api_data import ApiData
from kafka.protocol.consumer.metadata import (
    ConsumerProtocolAssignment, ConsumerProtocolSubscription)

TP = ('{"name": "TopicId", "type": "uuid", "versions": "0+"},'
      '{"name": "Partitions", "type": "[]int32", "versions": "0+"}')
SCHEMAS = {
    "OffsetCommitValue": '''{"type": "data", "name": "OffsetCommitValue", "validVersions": "0-4",
      "flexibleVersions": "4+", "fields": [
      {"name": "offset", "type": "int64", "versions": "0+"},
      {"name": "leaderEpoch", "type": "int32", "versions": "3+", "default": -1, "ignorable": true},
      {"name": "metadata", "type": "string", "versions": "0+"},
      {"name": "commitTimestamp", "type": "int64", "versions": "0+"},
      {"name": "expireTimestamp", "type": "int64", "versions": "1", "default": -1, "ignorable": true},
      {"name": "topicId", "type": "uuid", "versions": "4+", "taggedVersions": "4+", "tag": 0,
       "ignorable": true}]}''',
    "GroupMetadataValue": '''{"type": "data", "name": "GroupMetadataValue", "validVersions": "0-4",
      "flexibleVersions": "4+", "fields": [
      {"name": "protocolType", "versions": "0+", "type": "string"},
      {"name": "generation", "versions": "0+", "type": "int32"},
      {"name": "protocol", "versions": "0+", "type": "string", "nullableVersions": "0+"},
      {"name": "leader", "versions": "0+", "type": "string", "nullableVersions": "0+"},
      {"name": "currentStateTimestamp", "versions": "2+", "type": "int64", "default": -1,
       "ignorable": true},
      {"name": "members", "versions": "0+", "type": "[]MemberMetadata"}],
      "commonStructs": [{"name": "MemberMetadata", "versions": "0+", "fields": [
        {"name": "memberId", "versions": "0+", "type": "string"},
        {"name": "groupInstanceId", "versions": "3+", "type": "string", "default": "null",
         "nullableVersions": "3+", "ignorable": true},
        {"name": "clientId", "versions": "0+", "type": "string"},
        {"name": "clientHost", "versions": "0+", "type": "string"},
        {"name": "rebalanceTimeout", "versions": "1+", "type": "int32", "ignorable": true},
        {"name": "sessionTimeout", "versions": "0+", "type": "int32"},
        {"name": "subscription", "versions": "0+", "type": "bytes"},
        {"name": "assignment", "versions": "0+", "type": "bytes"}]}]}''',
    "ConsumerGroupMetadataValue": '''{"type": "data", "name": "ConsumerGroupMetadataValue",
      "validVersions": "0", "flexibleVersions": "0+", "fields": [
      {"name": "Epoch", "versions": "0+", "type": "int32"},
      {"name": "MetadataHash", "versions": "0+", "type": "int64", "default": 0,
       "taggedVersions": "0+", "tag": 0}]}''',
    "ConsumerGroupPartitionMetadataValue": '''{"type": "data",
      "name": "ConsumerGroupPartitionMetadataValue", "validVersions": "0", "flexibleVersions": "0+",
      "fields": [{"name": "Topics", "versions": "0+", "type": "[]TopicMetadata", "fields": [
        {"name": "TopicId", "versions": "0+", "type": "uuid"},
        {"name": "TopicName", "versions": "0+", "type": "string"},
        {"name": "NumPartitions", "versions": "0+", "type": "int32"},
        {"name": "PartitionMetadata", "versions": "0+", "type": "[]PartitionMetadata", "fields": [
          {"name": "Partition", "versions": "0+", "type": "int32"},
          {"name": "Racks", "versions": "0+", "type": "[]string"}]}]}]}''',
    "ConsumerGroupMemberMetadataValue": '''{"type": "data",
      "name": "ConsumerGroupMemberMetadataValue", "validVersions": "0", "flexibleVersions": "0+",
      "fields": [
      {"name": "InstanceId", "versions": "0+", "nullableVersions": "0+", "type": "string"},
      {"name": "RackId", "versions": "0+", "nullableVersions": "0+", "type": "string"},
      {"name": "ClientId", "versions": "0+", "type": "string"},
      {"name": "ClientHost", "versions": "0+", "type": "string"},
      {"name": "SubscribedTopicNames", "versions": "0+", "type": "[]string"},
      {"name": "SubscribedTopicRegex", "versions": "0+", "nullableVersions": "0+", "type": "string"},
      {"name": "RebalanceTimeoutMs", "type": "int32", "versions": "0+", "default": -1},
      {"name": "ServerAssignor", "versions": "0+", "nullableVersions": "0+", "type": "string"},
      {"name": "ClassicMemberMetadata", "versions": "0+", "nullableVersions": "0+",
       "type": "ClassicMemberMetadata", "default": null, "taggedVersions": "0+", "tag": 0,
       "fields": [
        {"name": "SessionTimeoutMs", "type": "int32", "versions": "0+"},
        {"name": "SupportedProtocols", "type": "[]ClassicProtocol", "versions": "0+", "fields": [
          {"name": "Name", "type": "string", "versions": "0+"},
          {"name": "Metadata", "type": "bytes", "versions": "0+"}]}]}]}''',
    "ConsumerGroupTargetAssignmentMetadataValue": '''{"type": "data",
      "name": "ConsumerGroupTargetAssignmentMetadataValue", "validVersions": "0",
      "flexibleVersions": "0+", "fields": [
      {"name": "AssignmentEpoch", "versions": "0+", "type": "int32"}]}''',
    "ConsumerGroupTargetAssignmentMemberValue": '''{"type": "data",
      "name": "ConsumerGroupTargetAssignmentMemberValue", "validVersions": "0",
      "flexibleVersions": "0+", "fields": [
      {"name": "TopicPartitions", "versions": "0+", "type": "[]TopicPartition", "fields": [%s]}]}'''
    % TP,
    # Kafka names the second field "Version"; kafka-python's messages use `version` for the
    # message version, so it is renamed here (names are not on the wire).
    "ConsumerGroupRegularExpressionValue": '''{"type": "data",
      "name": "ConsumerGroupRegularExpressionValue", "validVersions": "0",
      "flexibleVersions": "0+", "fields": [
      {"name": "Topics", "versions": "0+", "type": "[]string"},
      {"name": "ImageVersion", "versions": "0+", "type": "int64"},
      {"name": "Timestamp", "versions": "0+", "type": "int64"}]}''',
    "ConsumerGroupCurrentMemberAssignmentValue": '''{"type": "data",
      "name": "ConsumerGroupCurrentMemberAssignmentValue", "validVersions": "0",
      "flexibleVersions": "0+", "fields": [
      {"name": "MemberEpoch", "versions": "0+", "type": "int32"},
      {"name": "PreviousMemberEpoch", "versions": "0+", "type": "int32"},
      {"name": "State", "versions": "0+", "type": "int8"},
      {"name": "AssignedPartitions", "versions": "0+", "type": "[]TopicPartitions"},
      {"name": "PartitionsPendingRevocation", "versions": "0+", "type": "[]TopicPartitions"}],
      "commonStructs": [{"name": "TopicPartitions", "versions": "0+", "fields": [%s]}]}''' % TP,
}


def load_classes():
    """kafka-python loads schemas from a package: write ours into a temporary one."""
    root = tempfile.mkdtemp(prefix="kplay-schemas-")
    package = os.path.join(root, "kplay_offsets_schemas")
    os.makedirs(package)
    open(os.path.join(package, "__init__.py"), "w").close()
    for name, text in SCHEMAS.items():
        with open(os.path.join(package, name + ".json"), "w") as f:
            f.write(text)
    sys.path.insert(0, root)
    classes = {
        "ConsumerProtocolSubscription": ConsumerProtocolSubscription,
        "ConsumerProtocolAssignment": ConsumerProtocolAssignment,
    }
    for name in SCHEMAS:
        classes[name] = type(name, (ApiData,), {}, load_json="kplay_offsets_schemas")
    return classes


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "verify":
        print(__doc__, file=sys.stderr)
        return 2
    classes = load_classes()
    with open(sys.argv[2]) as f:
        cases = json.load(f)["cases"]
    failures = 0
    for i, case in enumerate(cases):
        data = bytes.fromhex(case["hex"])
        cls = classes[case["kind"]]
        try:
            stream = io.BytesIO(data)
            message = cls.decode(stream)
            rest = stream.read()
            again = message.encode(version=message.version)
        except Exception as e:  # noqa: BLE001 - report every kind of disagreement
            print(f"case {i} {case['kind']}: kafka-python cannot read it: {e!r}", file=sys.stderr)
            failures += 1
            continue
        if rest:
            print(f"case {i} {case['kind']}: {len(rest)} bytes left over", file=sys.stderr)
            failures += 1
        elif again != data:
            print(f"case {i} {case['kind']}: re-encoded {again.hex()} != ours {data.hex()}",
                  file=sys.stderr)
            failures += 1
    print(f"crosscheck_offsets: {len(cases)} messages, {failures} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
