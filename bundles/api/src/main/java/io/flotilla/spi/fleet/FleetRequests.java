package io.flotilla.spi.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Request and reply over the fleet broker. Each request gets a fresh id; replies come to this
 * node's reply topic ({@code nodes/{n}/reply}) and carry that id back in {@code request_id}, so
 * concurrent requests never see each other's replies.
 */
@ProviderType
public interface FleetRequests {

    /**
     * Publishes {@code payload} to {@code topic} with {@code request_id} set and {@code replyField}
     * (e.g. {@code reply_to}, or {@code _reply_topic} for tasks) naming the reply topic. Completes
     * with the reply's JSON object, or exceptionally with a {@link java.util.concurrent.TimeoutException}.
     */
    CompletionStage<Map<String, Object>> request(String topic, Map<String, Object> payload, String replyField,
            Duration timeout);

    /**
     * As {@link #request}, for a peer that replies without {@code request_id}, as a Wactorz runner
     * does: the reply topic is the request's own ({@code nodes/{n}/reply/{request id}}), and what
     * comes there first is the reply. A reply in the Wactorz shape (the handler's object as it is, or
     * {@code {"result": text}}) completes as {@code {"result": ...}}; one with {@code error} as it is.
     *
     * @since 1.2.0
     */
    CompletionStage<Map<String, Object>> requestWithOwnTopic(String topic, Map<String, Object> payload,
            String replyField, Duration timeout);

    /**
     * A reply topic of this node and the reply that will come there, for a request this node sends
     * some other way (several in one message, say). Ends at {@code timeout} like {@link #request}.
     */
    Expected expect(Duration timeout);

    /**
     * A reply this node waits for.
     *
     * @param requestId  its id: the request must carry it as {@code request_id}, and the reply brings it back
     * @param replyTopic where the reply must be published
     * @param reply      completes with the reply's JSON object, or with a timeout
     */
    record Expected(String requestId, String replyTopic, CompletionStage<Map<String, Object>> reply) {
    }
}
