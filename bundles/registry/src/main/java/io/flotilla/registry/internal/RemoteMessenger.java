package io.flotilla.registry.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AskException;
import io.flotilla.api.Reply;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetRequests;
import io.flotilla.util.Json;
import io.flotilla.util.Replies;

/**
 * Tells and asks to agents on other nodes, through {@code agents/by-name/{name}/task}. The fleet
 * registry says whether any online node holds the name: one that none holds fails at once
 * ({@code no such agent}) instead of waiting out its timeout. An ask to an agent on a Wactorz runner,
 * which replies without the request id, has a reply topic of its own.
 */
final class RemoteMessenger {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteMessenger.class);

    private final FleetLink fleet;
    private final FleetRequests requests;
    private final FleetRegistry registry;
    private final Json json;

    RemoteMessenger(FleetLink fleet, FleetRequests requests, FleetRegistry registry, Json json) {
        this.fleet = fleet;
        this.requests = requests;
        this.registry = registry;
        this.json = json;
    }

    void tell(String sender, String agent, Object payload) {
        if (unknown(agent).isPresent()) {
            LOG.debug("Message from {} to {} dropped: no node holds it", sender, agent);
            return;
        }
        fleet.publish(fleet.topics().task(agent), envelope(sender, payload, null), false);
    }

    CompletionStage<Reply> ask(String sender, String agent, Object payload, Duration timeout) {
        Optional<AskException> unknown = unknown(agent);
        if (unknown.isPresent()) {
            return CompletableFuture.failedFuture(unknown.get());
        }
        if (!fleet.isConnected()) {
            return CompletableFuture.failedFuture(new AskException(AskException.Reason.UNDELIVERABLE, agent,
                    "cannot ask " + agent + ": this node is not connected to the fleet broker " + fleet.broker()));
        }
        boolean echoesRequestId = registry.nodeOf(agent).flatMap(registry::node).map(node -> node.info().speaksFlotilla())
                .orElse(true);
        Map<String, Object> task = envelope(sender, payload, timeout);
        String topic = fleet.topics().task(agent);
        return (echoesRequestId ? requests.request(topic, task, "_reply_topic", timeout)
                : requests.requestWithOwnTopic(topic, task, "_reply_topic", timeout))
                .handle((answer, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(Replies.failure(agent, timeout, failure));
                    }
                    return Replies.read(json, agent, answer);
                });
    }

    /** When no online node holds {@code agent}: why the message cannot go. */
    private Optional<AskException> unknown(String agent) {
        if (registry.nodeOf(agent).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new AskException(AskException.Reason.NO_SUCH_AGENT, agent,
                "no agent named " + agent + " on any online node of the fleet (" + registry.nodes().stream()
                        .filter(n -> n.online()).count() + " online)"));
    }

    private static Map<String, Object> envelope(String sender, Object payload, Duration timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_remote_task", true); // as the Wactorz runner's send_to
        body.put("payload", payload);
        if (sender != null) {
            body.put("_sender", sender);
        }
        if (timeout != null) {
            body.put("_timeout", timeout.toMillis() / 1000.0);
        }
        return body;
    }
}
