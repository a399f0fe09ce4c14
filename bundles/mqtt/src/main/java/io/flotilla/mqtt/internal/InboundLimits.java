package io.flotilla.mqtt.internal;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.eclipse.paho.client.mqttv3.MqttMessage;

import io.flotilla.util.MqttTopics;

/**
 * How large a message the node reads on each topic, and the messages its sockets refused for being
 * larger. The topics that carry agents and code between nodes (the node's own {@code migrate_in},
 * {@code task_forward} and {@code reply}, and the replies to asks of Wactorz agents under
 * {@code reply/}) take up to {@code max.transfer.bytes}; every other topic {@code max.message.bytes}.
 * A transfer topic that ends with {@code /} stands for every topic under it.
 *
 * <p>A refused message reaches Paho with an empty payload, so that it is acknowledged and never
 * sent again, and is recorded here: the connection knows it for a refusal by that record, which
 * only its own socket writes, never by anything in the message, which anyone could send.
 * Thread-safe.
 */
final class InboundLimits {

    /** A message a socket read through and dropped. */
    record Refusal(String topic, long size) {
    }

    private final long messageBytes;
    private final long transferBytes;
    private final Set<String> transferTopics;
    private final ConcurrentLinkedQueue<Refusal> refused = new ConcurrentLinkedQueue<>();

    InboundLimits(long messageBytes, long transferBytes, Set<String> transferTopics) {
        this.messageBytes = messageBytes;
        this.transferBytes = Math.max(messageBytes, transferBytes);
        this.transferTopics = Set.copyOf(transferTopics);
    }

    /** The smallest limit of any topic: a message within it needs no look at its topic. */
    long smallest() {
        return messageBytes;
    }

    long limitFor(String topic) {
        boolean transfer = transferTopics.contains(topic)
                || transferTopics.stream().anyMatch(under -> under.endsWith("/") && topic.startsWith(under));
        return transfer ? transferBytes : messageBytes;
    }

    /** On the socket's reading thread: a message on {@code topic} of {@code size} bytes was dropped. */
    void refused(String topic, long size) {
        refused.add(new Refusal(topic, size));
    }

    /**
     * The size of the refused message an empty message on {@code topic} stands for, or -1 when it is
     * a message that came empty.
     */
    long takeRefusal(String topic) {
        for (Iterator<Refusal> pending = refused.iterator(); pending.hasNext();) {
            Refusal refusal = pending.next();
            if (refusal.topic().equals(topic)) {
                pending.remove();
                return refusal.size();
            }
        }
        return -1;
    }

    /**
     * Whether {@code message} is the empty stand-in of one the socket refused; if so, that is
     * reported to {@code errors} and the message is not to be handled.
     */
    boolean reportRefusal(String topic, MqttMessage message, NodeErrors errors) {
        long size = message.getPayload().length == 0 ? takeRefusal(topic) : -1;
        if (size < 0) {
            return false;
        }
        errors.refusedOversized(topic, describe(topic, size));
        return true;
    }

    /** What happened to a refused message, for the log and {@code nodes/{n}/errors}. */
    String describe(String topic, long size) {
        return "a message of " + size + " bytes on " + MqttTopics.printable(topic) + " was dropped unread: over the limit of "
                + limitFor(topic) + " bytes for that topic (max.message.bytes, max.transfer.bytes)";
    }

    /** A new connection: what an earlier one refused is told no more. */
    void clear() {
        refused.clear();
    }
}
