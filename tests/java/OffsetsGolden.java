import java.io.*;
import java.nio.charset.StandardCharsets;

// Golden values for tests/offsets_records (golden.rs): String.hashCode with Utils.abs
// partitioning (GroupCoordinatorService.partitionFor), and __consumer_offsets record bytes
// written by hand from Kafka 4.1's JSON schemas (group-coordinator/src/main/resources/common/
// message/*.json, clients/.../ConsumerProtocol*.json) with DataOutputStream, which is big-endian
// as Kafka's ByteBuffers are. Uses only the JDK: `java tests/java/OffsetsGolden.java` (JDK 11+).
public class OffsetsGolden {
    static int abs(int n) { return (n == Integer.MIN_VALUE) ? 0 : Math.abs(n); } // Utils.abs
    static void uvarint(DataOutputStream o, int v) throws IOException {
        while ((v & 0xffffff80) != 0L) { o.writeByte((v & 0x7f) | 0x80); v >>>= 7; }
        o.writeByte(v);
    }
    static void str(DataOutputStream o, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8); o.writeShort(b.length); o.write(b);
    }
    static void cstr(DataOutputStream o, String s) throws IOException {
        if (s == null) { uvarint(o, 0); return; }
        byte[] b = s.getBytes(StandardCharsets.UTF_8); uvarint(o, b.length + 1); o.write(b);
    }
    static String hex(byte[] b) { StringBuilder sb = new StringBuilder(); for (byte x : b) sb.append(String.format("%02x", x)); return sb.toString(); }
    interface W { void w(DataOutputStream o) throws IOException; }
    static String bytes(W w) throws IOException { ByteArrayOutputStream bo = new ByteArrayOutputStream(); DataOutputStream o = new DataOutputStream(bo); w.w(o); o.flush(); return hex(bo.toByteArray()); }

    public static void main(String[] a) throws IOException {
        String[] ids = {"", "group", "my-group", "console-consumer-12345", "polygenelubricants", "그룹", "g\uD83D\uDE00", "orders.v2_consumers"};
        for (String id : ids) {
            int h = id.hashCode();
            System.out.println("hash " + escape(id) + " " + h + " " + (abs(h) % 50) + " " + (abs(h) % 3));
        }
        // OffsetCommitKey (type 1): group, topic, partition.
        System.out.println("key1 " + bytes(o -> { o.writeShort(1); str(o, "g"); str(o, "t"); o.writeInt(3); }));
        // OffsetCommitValue v1: offset, metadata, commitTimestamp, expireTimestamp.
        System.out.println("v1 " + bytes(o -> { o.writeShort(1); o.writeLong(42); str(o, "m"); o.writeLong(1735689600000L); o.writeLong(1735776000000L); }));
        // OffsetCommitValue v3: offset, leaderEpoch, metadata, commitTimestamp.
        System.out.println("v3 " + bytes(o -> { o.writeShort(3); o.writeLong(42); o.writeInt(7); str(o, ""); o.writeLong(1735689600000L); }));
        // OffsetCommitValue v4 (flexible): offset, leaderEpoch, compact metadata, commitTimestamp, tags {0: topicId}.
        System.out.println("v4 " + bytes(o -> { o.writeShort(4); o.writeLong(42); o.writeInt(7); cstr(o, "m"); o.writeLong(1735689600000L);
            uvarint(o, 1); uvarint(o, 0); uvarint(o, 16); o.writeLong(0x0123456789abcdefL); o.writeLong(0xfedcba9876543210L); }));
        // GroupMetadataKey (type 2) and GroupMetadataValue v3, one member, consumer protocol v3 payloads.
        System.out.println("key2 " + bytes(o -> { o.writeShort(2); str(o, "g"); }));
        String sub = bytes(o -> { o.writeShort(3); o.writeInt(1); str(o, "t"); o.writeInt(-1); o.writeInt(1); str(o, "t"); o.writeInt(1); o.writeInt(0); o.writeInt(5); o.writeShort(-1); });
        String asg = bytes(o -> { o.writeShort(3); o.writeInt(1); str(o, "t"); o.writeInt(2); o.writeInt(0); o.writeInt(1); o.writeInt(-1); });
        System.out.println("sub " + sub);
        System.out.println("asg " + asg);
        byte[] subB = unhex(sub), asgB = unhex(asg);
        System.out.println("gm3 " + bytes(o -> { o.writeShort(3); str(o, "consumer"); o.writeInt(5); str(o, "range"); str(o, "m-1");
            o.writeLong(1735689600000L); o.writeInt(1); str(o, "m-1"); o.writeShort(-1); str(o, "c"); str(o, "/10.0.0.1");
            o.writeInt(300000); o.writeInt(45000); o.writeInt(subB.length); o.write(subB); o.writeInt(asgB.length); o.write(asgB); }));
        // ConsumerGroupMetadataKey (type 3) and value v0 with MetadataHash tag 0.
        System.out.println("key3 " + bytes(o -> { o.writeShort(3); str(o, "g"); }));
        System.out.println("cgm " + bytes(o -> { o.writeShort(0); o.writeInt(10); uvarint(o, 1); uvarint(o, 0); uvarint(o, 8); o.writeLong(-2L); }));
    }
    static byte[] unhex(String s) { byte[] b = new byte[s.length() / 2]; for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16); return b; }
    static String escape(String s) { StringBuilder sb = new StringBuilder("\""); for (char c : s.toCharArray()) { if (c < 128) sb.append(c); else sb.append(String.format("\\u{%x}", (int) c)); } return sb.append('"').toString(); }
}
