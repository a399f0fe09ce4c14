package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The broker's packets as the node's socket reads them, with the guard between the socket and Paho. */
class PacketSizeGuardTest {

    private static final int LIMIT = 1024;
    private static final String TRANSFER = "nodes/a/migrate_in";

    private final InboundLimits limits = new InboundLimits(LIMIT, 4 * LIMIT, java.util.Set.of(TRANSFER));

    @Test
    void packetsWithinTheLimitPassByteForByte() throws IOException {
        byte[] stream = concat(connack(), publish(1, "nodes/a/spawn", 7, bytes(LIMIT)), pingResponse(),
                publish(0, "t", 0, bytes(200)));

        assertArrayEquals(stream, readAll(new PacketSizeGuard(new java.io.ByteArrayInputStream(stream), limits)));
    }

    @Test
    void aTransferTopicTakesItsLargerLimit() throws IOException {
        byte[] stream = concat(publish(1, TRANSFER, 3, bytes(3 * LIMIT)), publish(1, "nodes/a/spawn", 4, bytes(3 * LIMIT)));

        List<Packet> packets = decode(readAll(new PacketSizeGuard(new java.io.ByteArrayInputStream(stream), limits)));

        assertArrayEquals(bytes(3 * LIMIT), packets.get(0).payload, "within max.transfer.bytes: passed as it came");
        assertEquals(0, packets.get(1).payload.length, "over max.message.bytes: dropped");
        assertEquals(-1, limits.takeRefusal(TRANSFER));
        assertEquals(3 * LIMIT, limits.takeRefusal("nodes/a/spawn"));
    }

    @Test
    void aTransferTopicEndingInASlashStandsForTheTopicsUnderIt() {
        InboundLimits replies = new InboundLimits(LIMIT, 4 * LIMIT, java.util.Set.of("nodes/a/reply", "nodes/a/reply/"));

        assertEquals(4 * LIMIT, replies.limitFor("nodes/a/reply"));
        assertEquals(4 * LIMIT, replies.limitFor("nodes/a/reply/3f2a9c1d"), "a Wactorz agent's reply, on its ask's own topic");
        assertEquals(LIMIT, replies.limitFor("nodes/a/replyx"));
        assertEquals(LIMIT, replies.limitFor("nodes/b/reply/3f2a9c1d"));
    }

    @Test
    void aPublishOverTheLimitIsReadThroughAndHandedOnEmptyWithItsTopicAndPacketId() throws IOException {
        long size = 50L * 1024 * 1024; // streamed, never held: the test would not notice a copy otherwise
        InputStream socket = new SequenceInputStream(Collections.enumeration(List.of(
                new java.io.ByteArrayInputStream(concat(connack(), publishHeader(1, "nodes/b/ping", 42, size))),
                new Zeros(size),
                new java.io.ByteArrayInputStream(pingResponse()))));

        List<Packet> packets = decode(readAll(new PacketSizeGuard(socket, limits)));

        assertEquals(3, packets.size());
        Packet refused = packets.get(1);
        assertEquals(0x32, refused.first, "a QoS 1 PUBLISH still, so Paho acknowledges it");
        assertEquals("nodes/b/ping", refused.topic);
        assertEquals(42, refused.packetId);
        assertEquals(0, refused.payload.length);
        assertEquals(size, limits.takeRefusal("nodes/b/ping"), "the refusal is recorded beside the stream");
        assertEquals(-1, limits.takeRefusal("nodes/b/ping"), "once");
        assertEquals(0xD0, packets.get(2).first, "what follows is read as before");
    }

    @Test
    void readTimeoutsAnywhereLoseNoByte() throws IOException {
        // Paho sets a one-second read timeout and reads again after it: the guard must resume
        // wherever the timeout struck, within a header as well.
        byte[] stream = concat(connack(), publish(1, "x/y", 9, bytes(LIMIT * 3)), publish(2, "x/z", 10, bytes(10)),
                pingResponse());
        byte[] read = readAll(new PacketSizeGuard(new TimingOut(stream), limits));

        List<Packet> packets = decode(read);
        assertEquals(4, packets.size());
        assertEquals(0, packets.get(1).payload.length);
        assertEquals(LIMIT * 3, limits.takeRefusal("x/y"));
        assertArrayEquals(bytes(10), packets.get(2).payload);
        assertEquals(10, packets.get(2).packetId);
    }

    @Test
    void whatAMessageSaysNeverMakesItARefusal() throws IOException {
        // Only the socket records refusals: an empty message, or one that claims to be refused, is a message.
        byte[] stream = concat(publish(1, "nodes/b/ping", 5, new byte[0]),
                publish(1, "nodes/b/ping", 6, "\u0000flotilla:refused-oversized:x".getBytes(StandardCharsets.UTF_8)));

        assertArrayEquals(stream, readAll(new PacketSizeGuard(new java.io.ByteArrayInputStream(stream), limits)));
        assertEquals(-1, limits.takeRefusal("nodes/b/ping"));
    }

    // ---------------------------------------------------------------- MQTT bytes

    private static byte[] connack() {
        return new byte[] {0x20, 0x02, 0x00, 0x00};
    }

    private static byte[] pingResponse() {
        return new byte[] {(byte) 0xD0, 0x00};
    }

    private static byte[] publish(int qos, String topic, int packetId, byte[] payload) {
        return concat(publishHeader(qos, topic, packetId, payload.length), payload);
    }

    private static byte[] publishHeader(int qos, String topic, int packetId, long payloadLength) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        variable.write(name.length >> 8);
        variable.write(name.length);
        variable.writeBytes(name);
        if (qos > 0) {
            variable.write(packetId >> 8);
            variable.write(packetId);
        }
        long remaining = variable.size() + payloadLength;
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x30 | qos << 1);
        do {
            int digit = (int) (remaining % 128);
            remaining /= 128;
            header.write(remaining > 0 ? digit | 0x80 : digit);
        } while (remaining > 0);
        header.writeBytes(variable.toByteArray());
        return header.toByteArray();
    }

    private record Packet(int first, String topic, int packetId, byte[] payload) {
    }

    private static List<Packet> decode(byte[] stream) {
        List<Packet> packets = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            int first = stream[at++] & 0xff;
            long remaining = 0;
            int shift = 0;
            int digit;
            do {
                digit = stream[at++] & 0xff;
                remaining |= (long) (digit & 0x7f) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0);
            int end = at + (int) remaining;
            if (first >>> 4 == 3) {
                int topicLength = (stream[at] & 0xff) << 8 | stream[at + 1] & 0xff;
                String topic = new String(stream, at + 2, topicLength, StandardCharsets.UTF_8);
                at += 2 + topicLength;
                int packetId = 0;
                if ((first >> 1 & 3) > 0) {
                    packetId = (stream[at] & 0xff) << 8 | stream[at + 1] & 0xff;
                    at += 2;
                }
                packets.add(new Packet(first, topic, packetId, java.util.Arrays.copyOfRange(stream, at, end)));
            } else {
                packets.add(new Packet(first, null, 0, java.util.Arrays.copyOfRange(stream, at, end)));
            }
            at = end;
        }
        return packets;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[777];
        while (true) {
            int n;
            try {
                n = in.read(buffer, 0, buffer.length);
            } catch (SocketTimeoutException timeout) {
                continue; // as Paho does
            }
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(buffer, 0, n);
        }
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** {@code size} zero bytes, made as they are read. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    /** A socket that times out before every other read, and hands out at most three bytes at a time. */
    private static final class TimingOut extends InputStream {
        private final byte[] bytes;
        private int at;
        private boolean timeOutNext = true;

        TimingOut(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            timeOutNext = !timeOutNext;
            if (!timeOutNext) {
                throw new SocketTimeoutException("Read timed out");
            }
            if (at == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 3), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }
}
