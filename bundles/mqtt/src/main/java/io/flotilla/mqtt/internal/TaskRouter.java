package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AskException;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.mqtt.internal.Wire.MalformedPayload;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentEventListener;
import io.flotilla.runtime.AgentManager;
import io.flotilla.spi.fleet.FleetRequests;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.spi.handoff.PendingMessage;
import io.flotilla.spi.handoff.TaskHandoff;
import io.flotilla.util.DaemonThreads;
import io.flotilla.util.MqttTopics;
import io.flotilla.util.Replies;

/**
 * Tasks addressed by name, {@code agents/by-name/{name}/task}: the node that holds {@code name}
 * hands {@code payload} to its mailbox and, when {@code _reply_topic} is given, sends
 * {@code {"result": ...}} or {@code {"error": ...}} there, echoing {@code request_id} and
 * {@code correlation_id}. A Wactorz runner's {@code send_to} ({@code _remote_task} and no id) gets
 * the reply its agent expects: the handler's object as it is, anything else as
 * {@code {"result": ...}}, a failure as {@code {"error", "error_phase", "agent"}}. Runs on the
 * delivery thread, which is safe: an ask only enqueues.
 *
 * <p>A node subscribes to the task topic of each agent it holds, from the agent's first event (or
 * its {@code PRESENT} event, for agents that were there before this component) until it is removed,
 * rather than to every agent's: a task is delivered to one node, not to all of them. The events come
 * on the node's event thread, so subscribing never holds up an agent. The subscriptions are durable,
 * so tasks sent while the node is away wait in its session.
 *
 * <p>While an agent moves, a {@link HandoffGate} decides which of the two nodes answers each task:
 * the target subscribes to the agent's tasks before it confirms, so both see the source's marker.
 * The messages that waited on the source arrive on the target's {@code nodes/{n}/task_forward}.
 */
@Component(service = {TaskHandoff.class, AgentEventListener.class}, immediate = true)
public final class TaskRouter implements TaskHandoff, AgentEventListener {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(TaskRouter.class);
    private static final int FORWARD_CHUNK = 100;
    private static final double MAX_TIMEOUT_SECONDS = 3600;
    private static final String HANDLE_TASK_PHASE = "handle_task";
    /** How long a task for a copy that does not run waits before it is answered "not running". */
    static final Duration NOT_RUNNING_GRACE = Duration.ofMillis(200);

    private final FleetConnection fleet;
    private final AgentManager agents;
    private final FleetRequests requests;
    private final FleetTopics topics;
    private final Wire wire = new Wire(Clock.systemUTC());
    private final HandoffGate gate = new HandoffGate();
    private final ScheduledExecutorService timer;
    private final Subscription forwards;
    // The task subscription of each agent held here or arriving.
    private final Map<String, Subscription> agentTasks = new ConcurrentHashMap<>();

    @Activate
    public TaskRouter(@Reference FleetConnection fleet, @Reference AgentManager agents, @Reference FleetRequests requests) {
        this.fleet = fleet;
        this.agents = agents;
        this.requests = requests;
        this.topics = fleet.topics();
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flotilla-task-handoff"));
        this.forwards = fleet.subscribeDurable(topics.own("task_forward"), (topic, payload, retained) -> forwarded(payload));
    }

    @Deactivate
    void deactivate() {
        // Closing keeps the durable subscriptions at the broker: tasks wait there for the next start.
        forwards.close();
        agentTasks.values().forEach(Subscription::close);
        agentTasks.clear();
        timer.shutdownNow();
    }

    // ---------------------------------------------------------------- which tasks come here

    /** On the node's event thread. */
    @Override
    public void onAgentEvent(AgentEvent event) {
        switch (event.kind()) {
            case REMOVED -> stopListeningUnlessHeld(event.agent());
            case STATE_CHANGED, PRESENT -> listen(event.agent());
            default -> {
                // logs, alerts and errors do not change where tasks go
            }
        }
    }

    private void listen(String agent) {
        if (agentTasks.containsKey(agent)) {
            return;
        }
        Subscription tasks = fleet.subscribeDurable(topics.task(agent), (topic, payload, retained) -> route(topic, payload));
        if (agentTasks.putIfAbsent(agent, tasks) != null) {
            tasks.close(); // another thread was first; the broker keeps one subscription either way
        }
    }

    private void stopListening(String agent) {
        Subscription tasks = agentTasks.remove(agent);
        if (tasks != null) {
            tasks.close();
            fleet.releaseDurable(topics.task(agent));
        }
    }

    /**
     * Lets go of the tasks of an agent this node no longer holds: removed, moved away, or a move that
     * did not happen. An agent that came back here, or is arriving (its events come on the event
     * thread, after the move began), keeps its subscription.
     */
    private void stopListeningUnlessHeld(String agent) {
        if (agents.find(agent).isEmpty() && !gate.expecting(agent)) {
            stopListening(agent);
        }
    }

    // ---------------------------------------------------------------- tasks

    private void route(String topic, byte[] payload) {
        String name = topics.nameIn(topic);
        if (name == null) {
            return;
        }
        if (payload.length > fleet.maxTaskBytes()) {
            agents.find(name).ifPresent(agent -> reportError(agent, "task payload is " + payload.length
                    + " bytes, over the limit of " + fleet.maxTaskBytes()));
            return;
        }
        Object message = wire.value(payload);
        if (gate.check(name, message, () -> deliver(name, message)) == HandoffGate.Verdict.DELIVER) {
            deliver(name, message);
        }
    }

    private void deliver(String name, Object message) {
        if (agents.find(name).isEmpty()) {
            return; // another node's agent, or nobody's: the asker's registry and timeout deal with it
        }
        Object body = message;
        String replyTo = null;
        Map<String, Object> correlation = new LinkedHashMap<>();
        Duration timeout = DEFAULT_TIMEOUT;
        String sender = null;
        boolean wactorzAsker = false;
        if (message instanceof Map<?, ?> envelope && envelope.containsKey("payload")) {
            body = envelope.get("payload");
            replyTo = envelope.get("_reply_topic") instanceof String text && !text.isBlank() ? text : null;
            for (String key : new String[] {"request_id", "correlation_id"}) {
                if (envelope.get(key) != null) {
                    correlation.put(key, envelope.get(key));
                }
            }
            sender = envelope.get("_sender") instanceof String from ? from : null;
            wactorzAsker = correlation.isEmpty() && Boolean.TRUE.equals(envelope.get("_remote_task"));
            if (envelope.get("_timeout") instanceof Number seconds && seconds.doubleValue() > 0) {
                // Bounded: a timeout of 1e308 s would overflow the timer, and no asker waits a day.
                timeout = Duration.ofMillis(Math.round(Math.min(seconds.doubleValue(), MAX_TIMEOUT_SECONDS) * 1000));
            }
        }
        String replyProblem = replyTo == null ? null : MqttTopics.replyProblem(replyTo);
        if (replyProblem != null) {
            String error = "a task's _reply_topic " + replyProblem + "; the task is refused";
            agents.find(name).ifPresent(agent -> reportError(agent, error));
            return;
        }
        if (replyTo == null) {
            agents.tellFrom(sender, name, body);
            return;
        }
        String reply = replyTo;
        boolean wactorzShape = wactorzAsker;
        String from = sender;
        Object payload = body;
        Duration limit = timeout;
        Runnable ask = () -> agents.askFrom(from, name, payload, limit).whenComplete((answer, failure) -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            Map<String, Object> response = wactorzShape ? wactorzReply(name, answer, cause)
                    : reply(name, correlation, answer, cause);
            try {
                fleet.publishTransient(reply, response);
            } catch (IllegalArgumentException notJson) {
                LOG.warn("The reply of {} is not JSON: {}", name, notJson.getMessage());
                fleet.publishTransient(reply, Map.of("error", "the reply of " + name + " is not JSON: " + notJson.getMessage()));
            }
        });
        if (!agents.find(name).map(agent -> agent.state().isTerminal()).orElse(false)) {
            ask.run(); // running, or on its way (starting, paused for a move): its mailbox keeps the task
            return;
        }
        // A stopped copy, such as one a move started late and discarded, is gone within milliseconds
        // while the node where the agent runs answers: its "not running" would race that answer. Said
        // after a moment, then, if the copy is still here.
        try {
            timer.schedule(() -> {
                if (agents.find(name).isPresent()) {
                    ask.run();
                }
            }, NOT_RUNNING_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Not answering a task for {}: stopping", name);
        }
    }

    private Map<String, Object> reply(String name, Map<String, Object> correlation, Reply answer, Throwable cause) {
        Map<String, Object> response = new LinkedHashMap<>(correlation);
        response.put("agent", name);
        response.put("node", topics.node());
        if (cause == null) {
            response.put("result", answer.value());
        } else {
            response.put("error", cause.getMessage());
            if (cause instanceof AskException ask) {
                response.put("reason", ask.reason().name().toLowerCase());
                if (ask.reason() == AskException.Reason.HANDLER_FAILED) {
                    response.put("error_phase", HANDLE_TASK_PHASE);
                }
            }
        }
        response.put("timestamp", wire.now());
        return response;
    }

    /** The reply the Wactorz runner's {@code send_to} returns to its agent, which reads it as the handler's. */
    private static Map<String, Object> wactorzReply(String name, Reply answer, Throwable cause) {
        Map<String, Object> response = new LinkedHashMap<>();
        if (cause != null) {
            response.put("error", cause.getMessage());
            response.put("error_phase", HANDLE_TASK_PHASE);
            response.put("agent", name);
        } else if (answer.value() instanceof Map<?, ?> object) {
            object.forEach((key, value) -> response.put(String.valueOf(key), value));
        } else {
            response.put("result", answer.value());
        }
        return response;
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

    // ---------------------------------------------------------------- TaskHandoff

    @Override
    public void expect(String agent, long epoch, String sourceNode, Duration limit) {
        gate.expect(agent, epoch);
        // Before the confirmation goes out, so the broker has it before the source's marker comes.
        listen(agent);
        try {
            timer.schedule(() -> {
                gate.expire(agent, epoch);
                stopListeningUnlessHeld(agent);
            }, limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Not timing the handoff of {}: stopping", agent);
        }
    }

    @Override
    public CompletionStage<Void> cutOver(String agent, long epoch, String targetNode, Duration limit) {
        CompletableFuture<Void> seen = gate.cutOver(agent, epoch);
        fleet.publish(topics.task(agent), HandoffGate.marker(epoch, topics.node(), targetNode), false);
        return seen.orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> {
            if (failure instanceof TimeoutException) {
                return CompletableFuture.failedFuture(new TimeoutException("the handoff marker of " + agent
                        + " did not come back from the broker within " + limit.toMillis() / 1000.0 + " s"));
            }
            return CompletableFuture.failedFuture(failure);
        });
    }

    @Override
    public void forward(String agent, long epoch, String targetNode, List<PendingMessage> messages) {
        List<Map<String, Object>> envelopes = new ArrayList<>();
        for (PendingMessage message : messages) {
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("payload", message.payload());
            if (message.sender() != null) {
                envelope.put("_sender", message.sender());
            }
            if (message.isAsk()) {
                FleetRequests.Expected answer = requests.expect(DEFAULT_TIMEOUT);
                envelope.put("_reply_topic", answer.replyTopic());
                envelope.put("request_id", answer.requestId());
                answer.reply().whenComplete((reply, failure) -> {
                    if (failure != null) {
                        message.reply().completeExceptionally(Replies.failure(agent, DEFAULT_TIMEOUT, failure));
                        return;
                    }
                    try {
                        message.reply().complete(Replies.read(wire.json(), agent, reply));
                    } catch (AskException e) {
                        message.reply().completeExceptionally(e);
                    }
                });
            }
            envelopes.add(envelope);
        }
        // One message per chunk, all from this node on one topic: the target gets them in this order.
        for (int from = 0; from < envelopes.size() || from == 0; from += FORWARD_CHUNK) {
            int to = Math.min(envelopes.size(), from + FORWARD_CHUNK);
            Map<String, Object> chunk = new LinkedHashMap<>();
            chunk.put("agent", agent);
            chunk.put("epoch", epoch);
            chunk.put("from_node", topics.node());
            chunk.put("messages", envelopes.subList(from, to));
            chunk.put("last", to == envelopes.size());
            fleet.publish(topics.ofNode(targetNode, "task_forward"), chunk, false);
        }
        gate.handedOver(agent, epoch);
        LOG.info("Agent {} handed over to {} with {} waiting messages", agent, targetNode, messages.size());
    }

    @Override
    public void abandon(String agent) {
        gate.abandon(agent);
        stopListeningUnlessHeld(agent);
    }

    /** On the delivery thread: messages that waited on the source of an agent that moved here. */
    private void forwarded(byte[] payload) {
        Map<String, Object> chunk;
        try {
            chunk = wire.object(payload);
        } catch (MalformedPayload e) {
            LOG.warn("Ignoring forwarded tasks: {}", e.getMessage());
            return;
        }
        if (!(chunk.get("agent") instanceof String agent) || !(chunk.get("epoch") instanceof Number epoch)
                || !(chunk.get("messages") instanceof List<?> messages)) {
            LOG.warn("Ignoring forwarded tasks without agent, epoch and messages: {}", chunk.keySet());
            return;
        }
        List<Runnable> deliveries = new ArrayList<>();
        for (Object message : messages) {
            deliveries.add(() -> deliver(agent, message));
        }
        if (Boolean.TRUE.equals(chunk.get("last"))) {
            gate.forwarded(agent, epoch.longValue(), deliveries);
        } else {
            deliveries.forEach(Runnable::run);
        }
    }
}
