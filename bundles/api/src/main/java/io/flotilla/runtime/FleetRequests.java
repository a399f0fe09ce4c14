package io.flotilla.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Request and reply over the fleet broker. Each request gets a fresh id and a reply topic of this
 * node ({@code nodes/{n}/reply/{id}}); concurrent requests never see each other's replies.
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
}
