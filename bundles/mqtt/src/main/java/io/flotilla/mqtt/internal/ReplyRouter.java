package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.mqtt.internal.Wire.MalformedPayload;
import io.flotilla.spi.fleet.FleetRequests;
import io.flotilla.util.DaemonThreads;

/**
 * Requests from this node and their replies: each request gets a fresh id, replies come to
 * {@code nodes/{n}/reply} with that id in {@code request_id}; a reply completes exactly the
 * request of its id, a late one is dropped, and every request ends at its timeout. A Wactorz runner
 * echoes no id: a request to one has a reply topic of its own, {@code nodes/{n}/reply/{id}}, and
 * the topic names the request.
 */
@Component(service = FleetRequests.class)
public final class ReplyRouter implements FleetRequests {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyRouter.class);

    private final FleetConnection fleet;
    private final Wire wire = new Wire(Clock.systemUTC());
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timeouts;
    private final Subscription replies;
    private final Subscription repliesByTopic;

    private record Pending(CompletableFuture<Map<String, Object>> reply, ScheduledFuture<?> timeout) {
    }

    @Activate
    public ReplyRouter(@Reference FleetConnection fleet) {
        this.fleet = fleet;
        this.timeouts = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("flotilla-request-timeouts"));
        timeouts.setRemoveOnCancelPolicy(true);
        this.replies = fleet.subscribe(fleet.topics().replies(), (topic, payload, retained) -> complete(payload, null));
        this.repliesByTopic = fleet.subscribe(fleet.topics().repliesByTopic(),
                (topic, payload, retained) -> complete(payload, topic.substring(topic.lastIndexOf('/') + 1)));
    }

    @Deactivate
    void deactivate() {
        replies.close();
        repliesByTopic.close();
        timeouts.shutdownNow();
        pending.values().forEach(p -> p.reply().completeExceptionally(new IllegalStateException("the node is stopping")));
        pending.clear();
    }

    @Override
    public CompletionStage<Map<String, Object>> request(String topic, Map<String, Object> payload, String replyField,
            Duration timeout) {
        return send(topic, payload, replyField, timeout, false);
    }

    @Override
    public CompletionStage<Map<String, Object>> requestWithOwnTopic(String topic, Map<String, Object> payload,
            String replyField, Duration timeout) {
        return send(topic, payload, replyField, timeout, true);
    }

    /** Publishes a request naming its id and reply topic: the shared one, or, with {@code ownTopic}, one under it. */
    private CompletionStage<Map<String, Object>> send(String topic, Map<String, Object> payload, String replyField,
            Duration timeout, boolean ownTopic) {
        Expected expected = expect(timeout);
        Map<String, Object> body = new LinkedHashMap<>(payload);
        body.put("request_id", expected.requestId());
        body.put(replyField, ownTopic ? expected.replyTopic() + "/" + expected.requestId() : expected.replyTopic());
        fleet.publish(topic, body, false);
        return expected.reply();
    }

    @Override
    public Expected expect(Duration timeout) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        ScheduledFuture<?> expiry = timeouts.schedule(() -> expire(id, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
        pending.put(id, new Pending(reply, expiry));
        return new Expected(id, fleet.topics().replies(), reply.minimalCompletionStage());
    }

    /**
     * On the delivery thread: completes the request the reply names, if it still waits. A reply on a
     * request's own topic ({@code topicId} not null) is named by the topic.
     */
    private void complete(byte[] payload, String topicId) {
        Map<String, Object> reply;
        try {
            reply = wire.object(payload);
        } catch (MalformedPayload e) {
            LOG.debug("A reply that is not a JSON object is dropped: {}", e.getMessage());
            return;
        }
        String id = reply.get("request_id") instanceof String echoed ? echoed : null;
        if (topicId != null) {
            // The topic names the request, whatever the reply holds: a handler's object may have a request_id of its own
            id = topicId;
            reply = reply.containsKey("request_id") && topicId.equals(reply.get("request_id")) ? reply : wactorzReply(reply);
        }
        Pending waiting = id == null ? null : pending.remove(id);
        if (waiting == null) {
            return; // late, not ours, or without request_id: no request can be told
        }
        waiting.timeout().cancel(false);
        waiting.reply().complete(reply);
    }

    /**
     * A Wactorz runner's reply in Flotilla's shape: it sends the handler's object as it is, anything
     * else as {@code {"result": text}}, and an error as {@code {"error", ...}}.
     */
    private static Map<String, Object> wactorzReply(Map<String, Object> reply) {
        if (reply.containsKey("error") || reply.keySet().equals(Set.of("result"))) {
            return new LinkedHashMap<>(reply);
        }
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("result", reply);
        return wrapped;
    }

    private void expire(String id, Duration timeout) {
        Pending waiting = pending.remove(id);
        if (waiting != null) {
            waiting.reply().completeExceptionally(new TimeoutException("no reply within " + timeout.toMillis() / 1000.0 + " s"));
        }
    }

    /** Requests waiting for a reply, for diagnostics and tests. */
    int waiting() {
        return pending.size();
    }
}
