package io.flotilla.mqtt.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.Commands;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.util.DaemonThreads;
import io.flotilla.util.Json;

/**
 * The node's command topics, {@code nodes/{n}/{kind}}: each message is handed, as it came, to the
 * node's command intake ({@link Commands}), which reads, admits and runs it; this class only carries
 * the result back. A command carrying {@code request_id} or {@code reply_to} gets its one result
 * there (or on {@code nodes/{n}/results}); a migration's result also goes to {@code migrate_result},
 * a list to {@code nodes/{n}/agents}; every refusal and failure is reported on
 * {@code nodes/{n}/errors}; a retained command is cleared once handled. A command that must not be
 * lost is kept on disk before the broker hears it arrived, until it has its result
 * ({@link CommandInbox}): those a node died with run when it starts again.
 */
@Component(immediate = true)
public final class ControlPlane {

    /** The node command topics: the node's own commands, and the node to node messages of a migration. */
    static final List<String> KINDS = List.of("spawn", "stop", "stop_all", "list", "desired_state", "ping", "migrate",
            "migrate_in", "migrate_abort", "code_request");

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final Duration SPAWN_RECLEAR_DELAY = Duration.ofSeconds(1);

    private final FleetConnection fleet;
    private final Commands commands;
    private final FleetTopics topics;
    private final Wire wire = new Wire(Clock.systemUTC());
    private final NodeErrors errors;
    private final ScheduledExecutorService reclear;
    private final AtomicBoolean reclearPending = new AtomicBoolean();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final CommandInbox inbox;

    @Activate
    public ControlPlane(@Reference FleetConnection fleet, @Reference Commands commands, @Reference NodeIdentity node) {
        this.fleet = fleet;
        this.commands = commands;
        this.topics = fleet.topics();
        this.errors = new NodeErrors(topics, wire, (topic, report) -> fleet.publish(topic, report, false));
        this.reclear = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flotilla-spawn-reclear"));
        this.inbox = new CommandInbox(node.dataDirectory().resolve("mqtt").resolve("inbox"), new Json());
        // Before any new command: the ones the node died with came first.
        for (CommandInbox.Entry kept : inbox.toRun(topics::own)) {
            LOG.info("Running a {} command from {} that came before the node stopped", kept.kind(), kept.topic());
            commands.submit(kept.kind(), kept.payload(), CommandOrigin.mqtt(kept.topic(), null, kept.retained()).keptFromBefore(),
                    result -> answer(kept.kind(), kept.topic(), kept.retained(), result, kept.file()));
        }
        try {
            for (String kind : KINDS) {
                subscriptions.add(fleet.subscribeDurable(topics.own(kind),
                        (topic, payload, retained) -> accept(kind, topic, payload, retained)));
            }
        } catch (RuntimeException e) {
            deactivate();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        subscriptions.forEach(Subscription::close);
        reclear.shutdownNow();
    }

    /** On the MQTT delivery thread: keeps the command if it must not be lost and hands it over, nothing more. */
    private void accept(String kind, String topic, byte[] payload, boolean retained) {
        CommandOrigin origin = CommandOrigin.mqtt(topic, null, retained);
        if (payload.length == 0) {
            // An empty retained message clears a topic; for desired_state it means "no desired state".
            if ("desired_state".equals(kind)) {
                commands.submit(kind, Map.of("agents", List.of()), origin, result -> answer(kind, topic, false, result, null));
            }
            return;
        }
        Path kept = inbox.keep(kind, topic, retained, payload);
        commands.submit(kind, payload, origin, result -> answer(kind, topic, retained, result, kept));
    }

    /**
     * The command's one result, out to where the sender and the fleet's watchers expect it; a kept
     * command is done with.
     */
    private void answer(String kind, String topic, boolean retained, CommandResult result, Path kept) {
        CommandEnvelope envelope = result.envelope();
        if (envelope.handling() == CommandEnvelope.Handling.NOT_RUN) {
            return; // the node is stopping: a retained or kept command stays for its next start
        }
        inbox.done(kept);
        clearHandled(kind, topic, retained);
        if (envelope.handling() == CommandEnvelope.Handling.REPEAT) {
            return;
        }
        if (!result.success()) {
            Object field = result.fields().get("field");
            reportError(kind, topic, envelope.requestId(), field == null ? null : String.valueOf(field), result.error());
        }
        if (result.fields().get("refused") instanceof List<?> refused) {
            for (Object entry : refused) {
                if (entry instanceof Map<?, ?> one) {
                    reportError(kind, topic, envelope.requestId(), String.valueOf(one.get("field")), String.valueOf(one.get("error")));
                }
            }
        }
        if ("list".equals(kind) && result.success()) {
            publishList(envelope, result.fields());
            return;
        }
        boolean migrate = "migrate".equals(kind);
        if (!envelope.wantsResult() && !migrate) {
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        if (envelope.requestId() != null) {
            message.put("request_id", envelope.requestId());
        }
        message.put("command", kind);
        message.put("node", topics.node());
        message.put("success", result.success());
        message.putAll(result.fields());
        if (result.error() != null) {
            message.put("error", result.error());
        }
        message.put("timestamp", wire.now());
        if (migrate) {
            fleet.publish(topics.own("migrate_result"), message, false);
        }
        if (envelope.replyTo() != null) {
            fleet.publish(envelope.replyTo(), message, false);
        } else if (!migrate) {
            fleet.publish(topics.own("results"), message, false);
        }
    }

    /** The agent list goes to {@code nodes/{n}/agents}, as the protocol has it, and to {@code reply_to}. */
    private void publishList(CommandEnvelope envelope, Map<String, Object> fields) {
        Map<String, Object> payload = new LinkedHashMap<>();
        if (envelope.requestId() != null) {
            payload.put("request_id", envelope.requestId());
        }
        payload.putAll(fields);
        payload.put("timestamp", wire.now());
        fleet.publish(topics.own("agents"), payload, false);
        if (envelope.replyTo() != null) {
            payload.put("success", true);
            fleet.publish(envelope.replyTo(), payload, false);
        }
    }

    private void reportError(String kind, String topic, String requestId, String field, String error) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", kind);
        report.put("topic", topic);
        report.put("request_id", requestId);
        report.put("field", field);
        report.put("error", error);
        errors.report(report);
    }

    /**
     * Clears a handled command's retained copy. A subscriber already listening gets a retained
     * message without the retain flag, so the node cannot tell: like the Wactorz runner, it clears
     * the spawn topic after every spawn, and so the stop_all topic after every stop_all (a retained
     * one would stop the node at its next start), and other topics when the message came retained. The desired
     * state is not a command done with but what the node should run: it stays, to be reconciled again
     * on every connect (clearing it would also hand the node its own empty message: "run nothing").
     */
    private void clearHandled(String kind, String topic, boolean retained) {
        if ("desired_state".equals(kind)) {
            return;
        }
        boolean spawn = "spawn".equals(kind);
        if (retained || spawn || "stop_all".equals(kind)) {
            fleet.publish(topic, new byte[0], true);
        }
        if (spawn && reclearPending.compareAndSet(false, true)) {
            // Artemis hands a retained message to subscribers before it stores the retained copy
            // (two steps of one transaction); if its thread stalls between them, the clear above
            // comes first and the spawn stays retained. Clearing once more, well after, closes that.
            try {
                reclear.schedule(() -> {
                    reclearPending.set(false);
                    fleet.publish(topic, new byte[0], true);
                }, SPAWN_RECLEAR_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                LOG.debug("Node stops; the spawn topic is not cleared a second time");
            }
        }
    }
}
