package io.flotilla.mqtt.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.api.AskException;
import io.flotilla.api.Reply;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.FleetRequests;
import io.flotilla.runtime.RemoteMessaging;

/**
 * Tells and asks to agents on other nodes, through {@code agents/by-name/{name}/task}. With the
 * fleet registry at hand, a name no node holds fails at once ({@code no such agent}) instead of
 * waiting out its timeout.
 */
@Component(service = RemoteMessaging.class)
public final class RemoteMessenger implements RemoteMessaging {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteMessenger.class);

    private final FleetConnection fleet;
    private final FleetRequests requests;
    private final ObjectMapper mapper = new ObjectMapper();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FleetRegistry registry;

    @Activate
    public RemoteMessenger(@Reference FleetConnection fleet, @Reference FleetRequests requests) {
        this.fleet = fleet;
        this.requests = requests;
    }

    @Override
    public void tell(String sender, String agent, Object payload) {
        if (unknown(agent).isPresent()) {
            LOG.debug("Message from {} to {} dropped: no node holds it", sender, agent);
            return;
        }
        fleet.publish(fleet.topics().task(agent), envelope(sender, payload, null), false);
    }

    @Override
    public CompletionStage<Reply> ask(String sender, String agent, Object payload, Duration timeout) {
        Optional<AskException> unknown = unknown(agent);
        if (unknown.isPresent()) {
            return CompletableFuture.failedFuture(unknown.get());
        }
        if (!fleet.isConnected()) {
            return CompletableFuture.failedFuture(new AskException(AskException.Reason.UNDELIVERABLE, agent,
                    "cannot ask " + agent + ": this node is not connected to the fleet broker " + fleet.broker()));
        }
        return requests.request(fleet.topics().task(agent), envelope(sender, payload, timeout), "_reply_topic", timeout)
                .handle((answer, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(Replies.failure(agent, timeout, failure));
                    }
                    return Replies.read(mapper, agent, answer);
                });
    }

    /** When the registry knows the fleet and no online node holds {@code agent}: why the message cannot go. */
    private Optional<AskException> unknown(String agent) {
        FleetRegistry fleetView = registry;
        if (fleetView == null || fleetView.nodeOf(agent).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new AskException(AskException.Reason.NO_SUCH_AGENT, agent,
                "no agent named " + agent + " on any online node of the fleet (" + fleetView.nodes().stream()
                        .filter(n -> n.online()).count() + " online)"));
    }

    private static Map<String, Object> envelope(String sender, Object payload, Duration timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
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
