package io.flotilla.mqtt.internal;

import java.util.Map;

/**
 * One command as it arrived on a node topic: its kind ({@code spawn}, {@code stop}...), its body
 * without the envelope fields, and where its single result goes.
 *
 * @param kind      the last level of the topic
 * @param topic     the full topic
 * @param body      the payload without {@code request_id} and {@code reply_to}
 * @param requestId the sender's correlation id, or null
 * @param replyTo   where the sender wants the result, or null
 * @param retained  whether it came as a retained message
 */
record Command(String kind, String topic, Map<String, Object> body, String requestId, String replyTo, boolean retained) {

    static Command of(String kind, String topic, Map<String, Object> payload, boolean retained) {
        Object requestId = payload.remove("request_id");
        Object replyTo = payload.remove("reply_to");
        return new Command(kind, topic, payload, requestId == null ? null : String.valueOf(requestId),
                replyTo instanceof String text && !text.isBlank() ? text : null, retained);
    }

    /** Whether the sender asked for a result. */
    boolean wantsResult() {
        return requestId != null || replyTo != null;
    }
}
