package io.flotilla.dynamic.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentInfo;
import io.flotilla.api.CompileException;
import io.flotilla.api.Message;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.util.Json;

/**
 * One run of a Python agent: a python3 child started in {@link #setup}, whose code's {@code setup},
 * {@code process} and {@code handle_task} the node calls as it calls any agent's, and whose requests
 * (publish, log, persist, send_to...) it carries out with this run's context. A syntax error is a
 * {@link CompileException}; the child's death is a crash ({@link PythonExited}).
 */
final class PythonAgent implements Agent, AutoCloseable {

    /** Bounds the wait for the child to start and read the code: an interpreter starts in well under a second. */
    private static final Duration COMPILE_WAIT = Duration.ofSeconds(30);
    /** Bounds setup(): the runner has none, and a hung setup must not hold the node's thread for ever. */
    private static final Duration SETUP_WAIT = Duration.ofSeconds(120);

    private final PythonLanguage language;
    private final Json json;
    /** The child of this run: null before setup and once closed (a stop, or a stuck call ended by its timeout). */
    private volatile PythonChild child;
    private Set<String> functions = Set.of();

    PythonAgent(PythonLanguage language, Json json) {
        this.language = language;
        this.json = json;
    }

    @Override
    public void setup(AgentContext ctx) throws Exception {
        language.installPackages(ctx.config().name(), packagesOf(ctx));
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("op", "start");
        start.put("name", ctx.name());
        start.put("actor_id", actorId(ctx));
        start.put("node", ctx.node());
        start.put("code", ctx.config().code().orElse(""));
        child = language.startChild(ctx.name(), start, new PythonRequests(ctx, json), ctx::log);
        Map<String, Object> report = await(child.compiled(), COMPILE_WAIT, "read its code");
        if (!Boolean.TRUE.equals(report.get("ok"))) {
            close();
            String where = report.get("line") == null ? "" : "line " + report.get("line")
                    + (report.get("column") == null ? "" : ", column " + report.get("column")) + ": ";
            throw new CompileException(where + report.get("error"), List.of(where + report.get("error")));
        }
        @SuppressWarnings("unchecked")
        List<String> found = (List<String>) report.get("functions");
        functions = Set.copyOf(found);
        if (functions.contains("setup")) {
            try {
                await(child.call("setup", null), SETUP_WAIT, "finish setup()");
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }
    }

    @Override
    public void process(AgentContext ctx) throws Exception {
        if (functions.contains("process")) {
            // Bounded by the node: a process_timeout interrupts this wait, and then the run is given up
            try {
                running(ctx).call("process", null).get();
            } catch (ExecutionException e) {
                throw rethrown(e.getCause());
            } catch (InterruptedException e) {
                // A stop, or process_timeout: the code may be stuck in a blocking call, which only ending its child ends
                close();
                throw e;
            }
        }
    }

    @Override
    public Object handle(Message message, AgentContext ctx) {
        return running(ctx).call("handle_task", message.payload());
    }

    /** The child, alive; else a crash now, not a failed call or an error reply to one task. */
    private PythonChild running(AgentContext ctx) {
        PythonChild current = child;
        if (current == null || !current.alive()) {
            throw new PythonExited(ctx.name(), current == null ? "was ended (a stop, or a call past its process_timeout)"
                    : "is gone");
        }
        return current;
    }

    @Override
    public void teardown(AgentContext ctx) {
        close();
    }

    @Override
    public void close() {
        PythonChild running = child;
        child = null;
        if (running != null) {
            running.close();
        }
    }

    private static List<String> packagesOf(AgentContext ctx) {
        return ctx.config() instanceof SpawnConfig spawn ? spawn.packages() : List.of();
    }

    private static String actorId(AgentContext ctx) {
        return ctx.agents().stream().filter(info -> info.name().equals(ctx.name())).map(AgentInfo::actorId).findFirst()
                .orElse(ctx.name());
    }

    private <T> T await(CompletableFuture<T> stage, Duration limit, String what) throws Exception {
        try {
            return stage.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new TimeoutException("the python3 child did not " + what + " within " + limit.toSeconds() + " s");
        }
    }

    private static Exception rethrown(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof Exception exception ? exception : new IllegalStateException(cause);
    }

    /** The code's requests, carried out with the context of the run that started the child. */
    private record PythonRequests(AgentContext ctx, Json json) implements PythonChild.Requests {

        @Override
        public CompletionStage<Object> handle(Map<String, Object> request) {
            switch (String.valueOf(request.get("op"))) {
                case "publish" -> ctx.publish(String.valueOf(request.get("topic")), request.get("data"));
                case "result" -> ctx.publishResult(request.get("data"));
                case "log" -> ctx.log(String.valueOf(request.get("message")));
                case "alert" -> ctx.alert(String.valueOf(request.get("message")), severity(request.get("severity")));
                case "status" -> ctx.log("status: " + request.get("status"));
                case "persist" -> ctx.persist(String.valueOf(request.get("key")), request.get("value"));
                case "recall" -> {
                    return CompletableFuture.completedFuture(ctx.recall(String.valueOf(request.get("key")), Object.class)
                            .orElse(null));
                }
                case "agents" -> {
                    return CompletableFuture.completedFuture(ctx.agents().stream().map(info -> (Object) Map.of(
                            "name", info.name(), "actor_id", info.actorId(), "node", info.node())).toList());
                }
                case "ask" -> {
                    double seconds = request.get("timeout") instanceof Number n ? n.doubleValue() : 30.0;
                    return ctx.ask(String.valueOf(request.get("agent")), request.get("payload"),
                            Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)))).thenApply(Reply::value)
                            .exceptionally(failure -> null); // the runner's send_to gives None when no reply comes
                }
                default -> throw new IllegalArgumentException("unknown request '" + request.get("op") + "'");
            }
            return CompletableFuture.completedFuture(null);
        }

        private static Severity severity(Object wire) {
            try {
                return Severity.fromWire(String.valueOf(wire));
            } catch (IllegalArgumentException e) {
                return Severity.WARNING;
            }
        }
    }
}
