package io.flotilla.core.internal.command;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.declare.Declarations;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.Commands;
import io.flotilla.runtime.InvalidCommandException;
import io.flotilla.spi.command.CommandHandler;
import io.flotilla.util.DaemonThreads;

/**
 * The node's command intake ({@link Commands}): one thread takes commands in the order they were
 * submitted, the {@link CommandGate} admits each, a request id seen lately runs once only, and the
 * handler of its kind runs it: the node's own ({@link CoreCommands}) or one another bundle
 * registered. Every command gets one result; every refusal and failure is logged once, here.
 */
public final class CommandIntake implements Commands, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);
    private static final int REMEMBERED_REQUESTS = 4096;
    /** How long after the node starts a command may wait for the bundle that handles its kind. */
    static final Duration HANDLER_GRACE = Duration.ofSeconds(120);


    private final CommandGate gate;
    private final CoreCommands core;
    private final AtomicLong waitingBytes = new AtomicLong();
    private final CommandHandlers handlers;
    private final RecentRequests recent = new RecentRequests(REMEMBERED_REQUESTS);
    private final Executor thread;
    private final ScheduledExecutorService ownThread;

    /**
     * @param agents       the agent engine, which the node's own commands act on once admitted
     * @param declarations the node's declared agents
     * @param shutdown     stops the node, once {@code stop_all} has given its result
     */
    public CommandIntake(CommandGate gate, AgentSystem agents, Declarations declarations, Runnable shutdown) {
        this.gate = gate;
        this.core = new CoreCommands(gate, agents, declarations, shutdown);
        this.ownThread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flotilla-commands"));
        this.thread = ownThread;
        this.handlers = new CommandHandlers(Clock.systemUTC(), HANDLER_GRACE);
    }

    /**
     * An intake that runs commands on {@code thread}, one at a time (for tests, the caller's own); a
     * command whose kind has no handler is refused at once.
     */
    public CommandIntake(CommandGate gate, AgentSystem agents, Declarations declarations, Runnable shutdown,
            Executor thread) {
        this.gate = gate;
        this.core = new CoreCommands(gate, agents, declarations, shutdown);
        this.ownThread = null;
        this.thread = thread;
        this.handlers = new CommandHandlers(Clock.systemUTC(), Duration.ZERO);
    }

    /** Lets the commands of {@code kinds} in, for {@code handler}; commands that waited for it run now. */
    public void addHandler(CommandHandler handler, Iterable<String> kinds) {
        List<String> added = new ArrayList<>();
        for (String kind : kinds) {
            if (CoreCommands.KINDS.contains(kind)) {
                LOG.warn("Ignoring a handler for {} commands: the node answers those itself", kind);
            } else {
                added.add(kind);
            }
        }
        List<CommandHandlers.Waiting> ready = handlers.add(handler, added);
        if (!ready.isEmpty()) {
            execute(() -> ready.forEach(waiting -> dispatchSafely(waiting.admitted(), waiting.onResult())));
        }
    }

    public void removeHandler(CommandHandler handler) {
        handlers.remove(handler);
    }

    @Override
    public void close() {
        if (ownThread == null) {
            return;
        }
        ownThread.shutdown();
        try {
            if (!ownThread.awaitTermination(15, TimeUnit.SECONDS)) {
                ownThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ownThread.shutdownNow();
        }
    }

    /**
     * Documents wait for the intake's thread as they came, unread: at most this many bytes of them,
     * so that a flood of large commands cannot fill the node's memory before any is refused.
     */
    static final long MAX_WAITING_BYTES = 32L * 1024 * 1024;

    @Override
    public void submit(String kind, byte[] document, CommandOrigin origin, Consumer<CommandResult> onResult) {
        if (waitingBytes.addAndGet(document.length) > MAX_WAITING_BYTES) {
            waitingBytes.addAndGet(-document.length);
            LOG.warn("{} command from {} refused: {} bytes of commands already wait", kind, describe(origin), MAX_WAITING_BYTES);
            deliver(onResult, new CommandResult(gate.node(), false, "node " + gate.node() + " is busy: over "
                    + MAX_WAITING_BYTES + " bytes of commands wait to be read; send it again later", Map.of()));
            return;
        }
        boolean queued = run(kind, origin, onResult, () -> {
            waitingBytes.addAndGet(-document.length);
            CommandHandler handler = handlers.active(kind);
            OptionalInt limit = handler == null ? OptionalInt.empty() : handler.maxDocumentBytes(kind);
            return gate.read(kind, document, gate.limitFor(kind, limit), origin);
        });
        if (!queued) {
            waitingBytes.addAndGet(-document.length);
        }
    }

    @Override
    public void submit(String kind, Map<String, Object> document, CommandOrigin origin, Consumer<CommandResult> onResult) {
        run(kind, origin, onResult, () -> gate.admit(kind, document, origin));
    }

    /** Queues a command for the intake's thread; false, with the result given, when the node is stopping. */
    private boolean run(String kind, CommandOrigin origin, Consumer<CommandResult> onResult, Supplier<Admission> admission) {
        if (!execute(() -> admitAndHandle(kind, origin, onResult, admission))) {
            deliver(onResult, new CommandResult(gate.node(), false, "node " + gate.node() + " is stopping", Map.of(),
                    CommandEnvelope.NONE.handled(CommandEnvelope.Handling.NOT_RUN)));
            return false;
        }
        return true;
    }

    private boolean execute(Runnable task) {
        try {
            thread.execute(task);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }

    /** On the intake's thread. */
    private void admitAndHandle(String kind, CommandOrigin origin, Consumer<CommandResult> onResult,
            Supplier<Admission> admission) {
        CommandEnvelope envelope = CommandEnvelope.NONE;
        try {
            Admission admitted = admission.get();
            envelope = admitted.envelope();
            if (envelope.requestId() != null && !recent.firstTime(kind + ":" + envelope.requestId())) {
                LOG.debug("{} request {} already handled; ignoring the repeat", kind, envelope.requestId());
                deliver(onResult, new CommandResult(gate.node(), true, null, Map.of(),
                        envelope.handled(CommandEnvelope.Handling.REPEAT)));
                return;
            }
            dispatch(admitted, onResult);
        } catch (InvalidCommandException e) {
            LOG.warn("{} command from {} refused: {}", kind, describe(origin), e.getMessage());
            CommandEnvelope answerWith = e instanceof InvalidEnvelopeException refused ? refused.usable() : envelope;
            deliver(onResult, new CommandResult(gate.node(), false, e.getMessage(), Map.of("field", e.field()), answerWith));
        } catch (RuntimeException e) {
            LOG.warn("{} command from {} failed", kind, describe(origin), e);
            deliver(onResult, new CommandResult(gate.node(), false, message(e), Map.of(), envelope));
        }
    }

    /** {@link #dispatch} of a command that waited for its handler: its failures reported as at admission. */
    private void dispatchSafely(Admission admitted, Consumer<CommandResult> onResult) {
        try {
            dispatch(admitted, onResult);
        } catch (InvalidCommandException e) {
            LOG.warn("{} command from {} refused: {}", admitted.kind(), describe(admitted.origin()), e.getMessage());
            deliver(onResult, new CommandResult(gate.node(), false, e.getMessage(), Map.of("field", e.field()),
                    admitted.envelope()));
        } catch (RuntimeException e) {
            LOG.warn("{} command from {} failed", admitted.kind(), describe(admitted.origin()), e);
            deliver(onResult, new CommandResult(gate.node(), false, message(e), Map.of(), admitted.envelope()));
        }
    }

    private void dispatch(Admission admitted, Consumer<CommandResult> onResult) {
        String kind = admitted.kind();
        CommandEnvelope envelope = admitted.envelope();
        Runnable afterwards = null;
        CompletionStage<CommandResult> result;
        if (CoreCommands.KINDS.contains(kind)) {
            CoreCommands.Handled handled = core.handle(kind, admitted.body(), admitted.origin());
            result = handled.result();
            afterwards = handled.afterwards();
        } else {
            gate.checkFields(admitted);
            CommandHandler handler = handlers.active(kind);
            if (handler == null) {
                waitForHandler(admitted, onResult);
                return;
            }
            result = handler.handle(kind, admitted.body(), admitted.envelope(), admitted.origin());
        }
        Runnable then = afterwards;
        result.whenComplete((done, failure) -> {
            CommandResult outcome = failure == null ? done
                    : new CommandResult(gate.node(), false, message(unwrap(failure)), Map.of());
            if (!outcome.success()) {
                LOG.warn("{} command from {} failed: {}", kind, describe(admitted.origin()), outcome.error());
            }
            deliver(onResult, outcome.in(envelope));
            if (then != null) {
                then.run();
            }
        });
    }

    /** Keeps a command until the bundle that handles its kind has started, or refuses it when that is too late. */
    private void waitForHandler(Admission admitted, Consumer<CommandResult> onResult) {
        Duration left = handlers.park(admitted, onResult);
        if (left == null) {
            throw new IllegalStateException(noHandler(admitted.kind()));
        }
        LOG.debug("{} command waits up to {} s for its handler", admitted.kind(), left.toSeconds());
        ownThread.schedule(this::refuseWhatWaitedTooLong, left.toMillis() + 1, TimeUnit.MILLISECONDS);
    }

    private void refuseWhatWaitedTooLong() {
        for (CommandHandlers.Waiting waiting : handlers.expired()) {
            Admission admitted = waiting.admitted();
            LOG.warn("{} command from {} failed: {}", admitted.kind(), describe(admitted.origin()), noHandler(admitted.kind()));
            deliver(waiting.onResult(), new CommandResult(gate.node(), false, noHandler(admitted.kind()), Map.of(),
                    admitted.envelope()));
        }
    }

    private String noHandler(String kind) {
        return "node " + gate.node() + " has no handler for " + kind + " commands (is the feature that provides them installed?)";
    }

    private static void deliver(Consumer<CommandResult> onResult, CommandResult result) {
        try {
            onResult.accept(result);
        } catch (RuntimeException e) {
            LOG.warn("Passing on the result of a command failed", e);
        }
    }

    private static String describe(CommandOrigin origin) {
        return origin.channel().name().toLowerCase() + " " + origin.source();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String message(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }
}
