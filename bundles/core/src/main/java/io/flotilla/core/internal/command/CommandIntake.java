package io.flotilla.core.internal.command;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.declare.Declarations;
import io.flotilla.core.internal.signing.SignatureCheck;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.runtime.CommandApprovals;
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
    private final ApprovalDesk approvals;

    /**
     * @param agents       the agent engine, which the node's own commands act on once admitted
     * @param declarations the node's declared agents
     * @param shutdown     stops the node, once {@code stop_all} has given its result
     * @param installed    whether a bundle of a location is installed: a spawn that installs code may wait for approval
     */
    public CommandIntake(CommandGate gate, AgentSystem agents, Declarations declarations, Runnable shutdown,
            Predicate<String> installed) {
        this.gate = gate;
        this.approvals = new ApprovalDesk(gate.approvals(), installed, Clock.systemUTC());
        this.core = new CoreCommands(gate, agents, declarations, shutdown, this::pending);
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
        this.approvals = new ApprovalDesk(gate.approvals(), location -> false, Clock.systemUTC());
        this.core = new CoreCommands(gate, agents, declarations, shutdown, this::pending);
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
            // A retained desired state comes again at every reconnect, request id and all: the node
            // reconciles each time, as the protocol promises, and a reconcile is harmless to repeat
            boolean standingOrder = SignatureCheck.STANDING_KINDS.contains(kind) && origin.retained();
            if (envelope.requestId() != null && !standingOrder && !recent.firstTime(kind + ":" + envelope.requestId())) {
                LOG.debug("{} request {} already handled; ignoring the repeat", kind, envelope.requestId());
                deliver(onResult, new CommandResult(gate.node(), true, null, Map.of(),
                        envelope.handled(CommandEnvelope.Handling.REPEAT)));
                return;
            }
            if (approvals.holds(admitted)) {
                hold(admitted, onResult);
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

    /** Holds a command for an operator's approval; its sender hears that it waits, and how to approve it. */
    private void hold(Admission admitted, Consumer<CommandResult> onResult) {
        ApprovalDesk.Held held = approvals.hold(admitted, onResult);
        String id = held.pending().id();
        LOG.warn("{} command from {} waits for an operator's approval until {}: agent:approve {} or agent:reject {} ({})",
                admitted.kind(), describe(admitted.origin()), held.pending().expires(), id, id, held.pending().summary());
        deliver(onResult, new CommandResult(gate.node(), false, "held for an operator's approval on node " + gate.node()
                + " (agent:approve " + id + "), until " + held.pending().expires(), Map.of("pending", id),
                admitted.envelope()));
        if (ownThread != null) {
            ownThread.schedule(this::dropExpiredApprovals, gate.approvals().expiry().toMillis() + 1, TimeUnit.MILLISECONDS);
        }
    }

    private void dropExpiredApprovals() {
        for (ApprovalDesk.Held held : approvals.expired()) {
            Admission admitted = held.admitted();
            String why = "not approved by " + held.pending().expires() + ": dropped";
            forgetRequest(admitted);
            LOG.warn("{} command {} from {} {}", admitted.kind(), held.pending().id(), describe(admitted.origin()), why);
            deliver(held.onResult(), new CommandResult(gate.node(), false, why, Map.of("pending", held.pending().id()),
                    admitted.envelope()));
        }
    }

    /** A held command that will not run: its sender may send it again under the same request id. */
    private void forgetRequest(Admission admitted) {
        if (admitted.envelope().requestId() != null) {
            recent.forget(admitted.kind() + ":" + admitted.envelope().requestId());
        }
    }

    /** The commands held for approval. */
    public List<CommandApprovals.PendingCommand> pending() {
        return approvals.pending();
    }

    /** Runs a held command on the intake's thread; its result goes to its sender and completes the stage. */
    public CompletionStage<CommandResult> approve(String id) {
        CompletableFuture<CommandResult> outcome = new CompletableFuture<>();
        boolean queued = execute(() -> {
            Optional<ApprovalDesk.Held> held = approvals.take(id);
            if (held.isEmpty()) {
                outcome.completeExceptionally(new IllegalArgumentException("no command " + id + " waits for approval on node "
                        + gate.node()));
                return;
            }
            LOG.info("{} command {} approved", held.get().admitted().kind(), id);
            dispatchSafely(held.get().admitted(), result -> {
                held.get().onResult().accept(result);
                outcome.complete(result);
            });
        });
        if (!queued) {
            outcome.completeExceptionally(new IllegalStateException("node " + gate.node() + " is stopping"));
        }
        return outcome;
    }

    /** Refuses a held command, telling its sender; false when none of that id waits. */
    public boolean reject(String id) {
        Optional<ApprovalDesk.Held> held = approvals.take(id);
        held.ifPresent(rejected -> {
            LOG.info("{} command {} rejected by an operator", rejected.admitted().kind(), id);
            forgetRequest(rejected.admitted());
            deliver(rejected.onResult(), new CommandResult(gate.node(), false, "rejected by an operator of node "
                    + gate.node(), Map.of("pending", id), rejected.admitted().envelope()));
        });
        return held.isPresent();
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
