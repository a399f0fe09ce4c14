package io.flotilla.util;

import java.nio.charset.StandardCharsets;

/**
 * Which topics a node may publish to. Paho refuses a topic with a wildcard or a NUL, and a broker
 * drops the connection of a client that publishes one; a topic that came from a message (a
 * {@code reply_to}, a task's {@code _reply_topic}) is checked here before the node uses it, so that
 * one bad message cannot knock the node off the broker.
 */
public final class MqttTopics {

    /** The MQTT limit on a topic's length in UTF-8 (a two-byte length field). */
    public static final int MAX_TOPIC_BYTES = 65_535;

    private MqttTopics() {
    }

    /** Why {@code topic} cannot be published to, or null when it can. */
    public static String publishProblem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "is empty";
        }
        if (topic.startsWith("$")) {
            return "starts with '$', which brokers keep for themselves";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "holds the wildcard '" + c + "', which no published topic may";
            }
            if (c == 0) {
                return "holds a NUL character";
            }
            if (Character.isISOControl(c)) {
                return "holds the control character U+" + String.format("%04X", (int) c);
            }
            if (Character.isHighSurrogate(c) && i + 1 < topic.length() && Character.isLowSurrogate(topic.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "is not valid UTF-8 (a lone surrogate)";
            }
        }
        int bytes = topic.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TOPIC_BYTES) {
            return "is " + bytes + " bytes long, over MQTT's limit of " + MAX_TOPIC_BYTES;
        }
        return null;
    }

    /**
     * Why a node may not send a reply to {@code topic}, or null when it may: besides
     * {@link #publishProblem}, a reply never goes where nodes take commands or agents take tasks
     * ({@code nodes/<n>/<kind>} but {@code nodes/<n>/reply}, anything with a level {@code agents}),
     * whatever the topic prefix: a reply there would be one node commanding another on a stranger's
     * behalf, and with broker ACLs, a way around them.
     */
    public static String replyProblem(String topic) {
        String problem = publishProblem(topic);
        if (problem != null) {
            return problem;
        }
        String[] levels = topic.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            if ("agents".equals(levels[i])) {
                return "is an agents/ topic, where agents take tasks and nodes report: a reply never goes there";
            }
            if ("nodes".equals(levels[i]) && i + 2 < levels.length && !"reply".equals(levels[i + 2])) {
                return "is a node's topic (nodes/<node>/" + levels[i + 2] + "): a reply only goes to nodes/<node>/reply";
            }
            if ("nodes".equals(levels[i]) && i + 2 == levels.length) {
                return "is a node's topic: a reply only goes to nodes/<node>/reply";
            }
        }
        return null;
    }

    /** A topic fit for a log line or an error: control characters shown as '?', at most 80 characters. */
    public static String printable(String topic) {
        String shown = topic.codePoints().map(c -> Character.isISOControl(c) || Character.isSurrogate((char) c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return shown.length() > 80 ? shown.substring(0, 80) + "…" : shown;
    }
}
