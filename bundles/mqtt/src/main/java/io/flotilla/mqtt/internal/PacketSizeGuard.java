package io.flotilla.mqtt.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the broker's MQTT 3.1.1 packets as they arrive on the socket, before Paho does, and keeps a
 * message too large to hold from ever being allocated. Paho reads a packet's length field, then
 * allocates that many bytes: one 200 MB message was an {@code OutOfMemoryError} in its receiver
 * thread, and, never acknowledged, came again at every reconnect. Here a PUBLISH whose payload is
 * over the limit is read through and thrown away as it streams, and Paho gets the same packet (its
 * topic, flags and packet id) with an empty payload instead, and the refusal is recorded in the
 * {@link InboundLimits}: Paho acknowledges the packet as usual, so the broker never sends it again,
 * and the node reports what was refused. Every other packet passes through untouched, byte for byte.
 *
 * <p>Each topic has its limit ({@link InboundLimits}): a PUBLISH within the smallest passes at
 * once; a larger one has its topic read first.
 */
final class PacketSizeGuard extends FilterInputStream {

    private static final int PUBLISH = 3;

    private final InboundLimits limits;
    // Paho sets a read timeout and reads again after it, so every step below keeps what it has read
    // in these fields: a timeout in the middle of a header loses nothing.
    private final byte[] header = new byte[5];
    private int headerLength;
    private long remaining;
    // Of a PUBLISH over the limit: its topic length, topic and packet id, then how much to throw away.
    private byte[] start;
    private int startLength;
    private long toDiscard = -1;
    // What Paho reads next: bytes held here, then bytes straight from the socket.
    private byte[] ready = new byte[0];
    private int readyAt;
    private long passThrough;

    PacketSizeGuard(InputStream in, InboundLimits limits) {
        super(in);
        this.limits = limits;
    }

    /**
     * A guard over a socket's input, read through a buffer: the guard reads a packet's header a byte
     * at a time, which straight from the socket is a system call for each byte, three or more for
     * every message (an observer of 10,000 nodes gets a thousand heartbeats a second).
     */
    static PacketSizeGuard over(InputStream socket, InboundLimits limits) {
        return new PacketSizeGuard(new BufferedInputStream(socket, 8192), limits);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (readyAt == ready.length && passThrough == 0 && !advance()) {
            return -1;
        }
        if (readyAt < ready.length) {
            int n = Math.min(length, ready.length - readyAt);
            System.arraycopy(ready, readyAt, buffer, offset, n);
            readyAt += n;
            return n;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, passThrough));
        if (n > 0) {
            passThrough -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] discard = new byte[(int) Math.min(n, 8192)];
        return Math.max(read(discard, 0, discard.length), 0);
    }

    @Override
    public int available() throws IOException {
        return readyAt < ready.length ? ready.length - readyAt : (int) Math.min(in.available(), passThrough);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads on until the next packet has something for Paho; false at the end of the stream. */
    private boolean advance() throws IOException {
        if (start == null && !readHeader()) {
            return false;
        }
        if (start != null && toDiscard < 0) {
            readPublishStart();
        }
        if (toDiscard >= 0) {
            discardPayload();
        }
        return true;
    }

    /** The fixed header; then either the packet passes as it is, or its PUBLISH start is read next. */
    private boolean readHeader() throws IOException {
        while (headerLength < 2 || (header[headerLength - 1] & 0x80) != 0 && headerLength < header.length) {
            int b = in.read();
            if (b < 0) {
                if (headerLength > 0) {
                    throw new EOFException("the connection closed within a packet header");
                }
                return false;
            }
            header[headerLength++] = (byte) b;
        }
        remaining = 0;
        for (int i = 1; i < headerLength; i++) {
            remaining |= (long) (header[i] & 0x7f) << (7 * (i - 1));
        }
        int first = header[0] & 0xff;
        if (first >>> 4 == PUBLISH && remaining > limits.smallest()) {
            start = new byte[2];
            startLength = 0;
        } else {
            hand(Arrays.copyOf(header, headerLength), remaining);
        }
        return true;
    }

    /** Topic length, topic and packet id of a PUBLISH over the limit. */
    private void readPublishStart() throws IOException {
        fill();
        if (start.length == 2) {
            int topicLength = (start[0] & 0xff) << 8 | start[1] & 0xff;
            boolean hasPacketId = (header[0] >> 1 & 0x3) > 0;
            start = Arrays.copyOf(start, 2 + topicLength + (hasPacketId ? 2 : 0));
            fill();
        }
        long payload = remaining - start.length;
        if (payload <= limits.limitFor(topic())) { // within its topic's limit: it passes as it is
            byte[] opening = concat(Arrays.copyOf(header, headerLength), start);
            start = null;
            hand(opening, payload);
        } else {
            toDiscard = payload;
        }
    }

    /** Throws the payload away as it streams in, then hands Paho the packet with no payload. */
    private void discardPayload() throws IOException {
        long size = remaining - start.length;
        byte[] sink = new byte[64 * 1024];
        while (toDiscard > 0) {
            int n = in.read(sink, 0, (int) Math.min(sink.length, toDiscard));
            if (n < 0) {
                throw new EOFException("the connection closed within a refused message");
            }
            toDiscard -= n;
        }
        limits.refused(topic(), size);
        byte[] packet = concat(fixedHeader(header[0], start.length), start);
        start = null;
        toDiscard = -1;
        hand(packet, 0);
    }

    /** The topic of the PUBLISH whose start is read. */
    private String topic() {
        int length = (start[0] & 0xff) << 8 | start[1] & 0xff;
        return new String(start, 2, length, StandardCharsets.UTF_8);
    }

    private void fill() throws IOException {
        while (startLength < start.length) {
            int n = in.read(start, startLength, start.length - startLength);
            if (n < 0) {
                throw new EOFException("the connection closed within a packet header");
            }
            startLength += n;
        }
    }

    private void hand(byte[] bytes, long thenFromSocket) {
        ready = bytes;
        readyAt = 0;
        passThrough = thenFromSocket;
        headerLength = 0;
    }

    /** A fixed header: the first byte, then the remaining length as MQTT's variable-length integer. */
    private static byte[] fixedHeader(byte first, long remaining) {
        byte[] bytes = new byte[5];
        bytes[0] = first;
        int at = 1;
        long value = remaining;
        do {
            int digit = (int) (value % 128);
            value /= 128;
            bytes[at++] = (byte) (value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
        return Arrays.copyOf(bytes, at);
    }

    private static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
