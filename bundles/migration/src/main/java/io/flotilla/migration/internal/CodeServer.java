package io.flotilla.migration.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.spi.command.CommandHandler;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.spi.handoff.AgentCode.CodeSource;
import io.flotilla.spi.handoff.AgentCode;
import io.flotilla.util.DaemonThreads;

/**
 * Sends the bundle of an agent type to a node that takes in one of its agents and cannot install the
 * bundle from its location: {@code nodes/{n}/code_request {"agent", "type", "sha256"}}, as the
 * node's command intake admitted it, is answered with the bundle's bytes (base64), provided they
 * still hash to {@code sha256} — and only for an agent this node is moving, of that type, to the node
 * whose reply topic asks. Nobody else gets a type's bundle. The bytes are read on a thread of this
 * component's, not the intake's.
 */
@Component(property = CommandHandler.KINDS + "=code_request")
public final class CodeServer implements CommandHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CodeServer.class);

    private final AgentCode code;
    private final OutgoingMoves moves;
    private final FleetTopics topics;
    private final String self;
    private final ExecutorService worker;

    @Activate
    public CodeServer(@Reference AgentCode code, @Reference OutgoingMoves moves, @Reference FleetLink fleet) {
        this.code = code;
        this.moves = moves;
        this.topics = fleet.topics();
        this.self = topics.node();
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named("flotilla-code-server"));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }

    @Override
    public CompletionStage<CommandResult> handle(String kind, Map<String, Object> request, CommandEnvelope envelope,
            CommandOrigin origin) {
        try {
            return CompletableFuture.supplyAsync(() -> serve(request, envelope.replyTo()), worker);
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(new CommandResult(self, false, "node " + self + " is stopping", Map.of()));
        }
    }

    /** Refuses a request that does not come from the target of a move of that agent and type from here. */
    private void checkAsker(String agent, String type, String replyTo) {
        OutgoingMoves.Outgoing move = moves.outgoing(agent).orElseThrow(() -> new SecurityException(
                "node " + self + " is not moving an agent named " + agent + ": it sends code only to the target of a move"));
        if (!move.type().equals(type)) {
            throw new SecurityException("agent " + agent + " moving from node " + self + " is not of type '" + type + "'");
        }
        if (!topics.ofNode(move.target(), "reply").equals(replyTo)) {
            throw new SecurityException("the bundle of agent " + agent + " goes only to node " + move.target()
                    + ", the target of its move");
        }
        if (!move.codeServed().compareAndSet(false, true)) {
            throw new SecurityException("the bundle of agent " + agent + " was sent for this move already");
        }
    }

    private CommandResult serve(Map<String, Object> request, String replyTo) {
        try {
            String type = WireJson.text(request, "type");
            checkAsker(WireJson.text(request, "agent"), type, replyTo);
            CodeSource source = code.sourceOf(type).orElseThrow(() -> new IllegalStateException(
                    "no bundle provides agent type '" + type + "' on node " + self));
            if (request.get("sha256") instanceof String wanted && !wanted.equalsIgnoreCase(String.valueOf(source.sha256()))) {
                throw new IllegalStateException("the bundle of agent type '" + type + "' here is no longer the one offered");
            }
            byte[] bytes = code.read(source);
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("type", type);
            reply.put("location", source.location());
            reply.put("sha256", source.sha256());
            reply.put("size", bytes.length);
            reply.put("data", Base64.getEncoder().encodeToString(bytes));
            LOG.info("Sending the {} bytes of {} (agent type {})", bytes.length, source.location(), type);
            return new CommandResult(self, true, null, reply);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Code request refused: {}", e.getMessage());
            return new CommandResult(self, false, e.getMessage(), Map.of());
        }
    }
}
