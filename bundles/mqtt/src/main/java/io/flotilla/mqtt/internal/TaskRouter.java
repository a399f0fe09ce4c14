package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AskException;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.FleetTopics;

/**
 * Tasks addressed by name, {@code agents/by-name/{name}/task}: the node that holds {@code name}
 * hands {@code payload} to its mailbox and, when {@code _reply_topic} is given, sends
 * {@code {"result": ...}} or {@code {"error": ...}} there, echoing {@code request_id} and
 * {@code correlation_id}. Runs on the delivery thread, which is safe: an ask only enqueues.
 */
@Component(immediate = true)
public final class TaskRouter {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(TaskRouter.class);

    private final FleetConnection fleet;
    private final AgentManager agents;
    private final FleetTopics topics;
    private final Wire wire = new Wire(Clock.systemUTC());
    private final Subscription subscription;

    @Activate
    public TaskRouter(@Reference FleetConnection fleet, @Reference AgentManager agents) {
        this.fleet = fleet;
        this.agents = agents;
        this.topics = fleet.topics();
        this.subscription = fleet.subscribeDurable(topics.everyTask(), (topic, payload, retained) -> route(topic, payload));
    }

    @Deactivate
    void deactivate() {
        subscription.close();
    }

    private void route(String topic, byte[] payload) {
        String name = topics.nameIn(topic);
        AgentInfo agent = name == null ? null : agents.find(name).orElse(null);
        if (agent == null) {
            return; // another node's agent, or nobody's: the asker's registry and timeout deal with it
        }
        if (payload.length > fleet.maxCommandBytes()) {
            reportError(agent, "task payload is " + payload.length + " bytes, over the limit of " + fleet.maxCommandBytes());
            return;
        }
        Object message = wire.value(payload);
        Object body = message;
        String replyTo = null;
        Map<String, Object> correlation = new LinkedHashMap<>();
        Duration timeout = DEFAULT_TIMEOUT;
        String sender = null;
        if (message instanceof Map<?, ?> envelope && envelope.containsKey("payload")) {
            body = envelope.get("payload");
            replyTo = envelope.get("_reply_topic") instanceof String text && !text.isBlank() ? text : null;
            for (String key : new String[] {"request_id", "correlation_id"}) {
                if (envelope.get(key) != null) {
                    correlation.put(key, envelope.get(key));
                }
            }
            sender = envelope.get("_sender") instanceof String from ? from : null;
            if (envelope.get("_timeout") instanceof Number seconds && seconds.doubleValue() > 0) {
                timeout = Duration.ofMillis(Math.round(seconds.doubleValue() * 1000));
            }
        }
        if (replyTo == null) {
            agents.tellFrom(sender, name, body);
            return;
        }
        String reply = replyTo;
        agents.askFrom(sender, name, body, timeout).whenComplete((answer, failure) -> {
            Map<String, Object> response = new LinkedHashMap<>(correlation);
            response.put("agent", name);
            response.put("node", topics.node());
            if (failure == null) {
                response.put("result", answer.value());
            } else {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                response.put("error", cause.getMessage());
                if (cause instanceof AskException ask) {
                    response.put("reason", ask.reason().name().toLowerCase());
                }
            }
            response.put("timestamp", wire.now());
            try {
                fleet.publish(reply, response, false);
            } catch (IllegalArgumentException notJson) {
                LOG.warn("The reply of {} is not JSON: {}", name, notJson.getMessage());
                fleet.publish(reply, Map.of("error", "the reply of " + name + " is not JSON: " + notJson.getMessage()), false);
            }
        });
    }

    private void reportError(AgentInfo agent, String error) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("actor_id", agent.actorId());
        report.put("name", agent.name());
        report.put("node", agent.node());
        report.put("phase", "task");
        report.put("severity", Severity.WARNING.wireName());
        report.put("error", error);
        report.put("restart_count", agent.restartCount());
        report.put("timestamp", wire.now());
        fleet.publish(topics.agent(agent.actorId(), "errors"), report, false);
    }
}
