package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.AskException;
import io.flotilla.api.Message;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.core.internal.exec.Scheduler.Cancellable;
import io.flotilla.core.internal.store.PersistedState;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentSnapshot;
import io.flotilla.runtime.DataReply;
import io.flotilla.runtime.LogEntry;
import io.flotilla.runtime.PendingMessage;
import io.flotilla.runtime.SpawnConfig;

/**
 * One agent: its mailbox, its current instance and its supervisor.
 *
 * <p>Everything that changes the agent runs in its serial context: {@link #run()} drains lifecycle
 * signals first, then up to {@value #THROUGHPUT} messages, on one dispatcher thread at a time, so
 * the agent's callbacks never overlap, and an agent with nothing to do holds no thread. Other
 * threads only enqueue: {@link #signal} for lifecycle changes, {@link #enqueue} for messages.
 * Messages wait in the mailbox while the agent starts, restarts, waits for its type or is paused;
 * once it has stopped or failed they are answered with an error.
 */
final class AgentCell implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentCell.class);
    private static final int THROUGHPUT = 64;

    /** How a run begins, which decides what a missing type means. */
    enum StartMode {
        /** A new spawn: install what the config names, else a missing type is fatal at once. */
        SPAWN,
        /** Restored at node start: the type may still be on its way, wait for it. */
        RESTORE,
        /** After a back-off: a type that went away meanwhile is waited for. */
        RESTART
    }

    private final AgentSystem system;
    private final RuntimeEnvironment env;
    private final String name;
    private final String actorId;
    private final SpawnConfig config;
    private final Logger agentLogger;
    private final SupervisorPolicy policy;
    private final AgentLog log = new AgentLog();

    private final Queue<Runnable> signals = new ConcurrentLinkedQueue<>();
    private final Queue<Envelope> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger mailboxSize = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final CompletableFuture<AgentInfo> settled = new CompletableFuture<>();

    // Confined to the serial context.
    private Agent instance;
    private AgentFactory factory;
    private CellContext context;
    private int run;
    private Cancellable timer = Cancellable.NONE;
    private boolean installed;
    private boolean waitingForType;
    private Cancellable typeDeadline = Cancellable.NONE;

    // Read from any thread.
    private volatile PersistedState persisted;
    private volatile AgentState state = AgentState.STARTING;
    private volatile String detail = "";
    private volatile int restartCount;
    private volatile Instant startedAt;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile String provider;
    private volatile Thread callbackThread;
    private volatile long epoch;

    AgentCell(AgentSystem system, RuntimeEnvironment env, SpawnConfig config, String actorId, long epoch) {
        this.system = system;
        this.env = env;
        this.name = config.name();
        this.actorId = actorId;
        this.epoch = epoch;
        this.config = config;
        this.agentLogger = LoggerFactory.getLogger("io.flotilla.agent." + name);
        this.policy = new SupervisorPolicy(config, env.random());
    }

    // ---------------------------------------------------------------- requests from any thread

    /** Begins the first run. */
    void start(StartMode mode) {
        signal(() -> begin(mode));
    }

    /** Stops deliberately; completes when the agent is stopped. Messages waiting go to {@code successor}, if any. */
    CompletionStage<Void> stop(AgentCell successor) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        signal(() -> {
            stopNow(successor);
            done.complete(null);
        });
        return done;
    }

    /** An operator restart: a fresh restart budget and a new run, whatever the state. */
    void restartNow() {
        signal(() -> {
            endInstance();
            policy.reset();
            restartCount = 0;
            installed = false;
            begin(StartMode.SPAWN);
        });
    }

    /**
     * Holds a running agent still for a move, once its current callback returns: no callback runs
     * and messages wait. Completes with its snapshot, or fails when it is not running.
     */
    CompletionStage<AgentSnapshot> pause() {
        CompletableFuture<AgentSnapshot> done = new CompletableFuture<>();
        signal(() -> {
            if (state != AgentState.RUNNING) {
                done.completeExceptionally(new IllegalStateException("agent " + name + " is " + state.wireName()
                        + (detail.isEmpty() ? "" : " (" + detail + ")") + "; only a running agent can move"));
                return;
            }
            cancelTimer();
            setState(AgentState.PAUSED, "held still for a move");
            done.complete(new AgentSnapshot(config, actorId, epoch, persisted().snapshot()));
        });
        return done;
    }

    /** Lets a paused agent run again, at an epoch of at least {@code atLeast}; waiting messages follow in order. */
    void resume(long atLeast) {
        signal(() -> {
            epoch = Math.max(epoch, atLeast);
            if (state != AgentState.PAUSED) {
                return;
            }
            setState(AgentState.RUNNING, "");
            if (!config.pollInterval().isZero()) {
                int forRun = run;
                timer = env.scheduler().schedule(config.pollInterval(), () -> signal(() -> tick(forRun)));
            }
        });
    }

    /**
     * Ends a paused agent that moved to {@code where}: teardown, stopped. Completes with the messages
     * that waited, oldest first; messages from its subscriptions are dropped, the new copy has its own.
     */
    CompletionStage<List<PendingMessage>> release(String where) {
        CompletableFuture<List<PendingMessage>> done = new CompletableFuture<>();
        signal(() -> {
            if (state != AgentState.PAUSED) {
                done.completeExceptionally(new IllegalStateException("agent " + name + " is " + state.wireName()
                        + ", no longer held still for its move"));
                return;
            }
            endInstance();
            run++;
            setState(AgentState.STOPPED, "moved to " + where);
            settled.complete(info());
            List<PendingMessage> waiting = new ArrayList<>();
            Envelope envelope;
            while ((envelope = mailbox.poll()) != null) {
                mailboxSize.decrementAndGet();
                if (envelope.subscriber() == null) {
                    waiting.add(new PendingMessage(envelope.payload(), envelope.sender(), envelope.reply()));
                }
            }
            done.complete(waiting);
        });
        return done;
    }

    /** A provider of some type appeared; the agent starts or moves to it when it is its type. */
    void typeAdded(AgentFactory added) {
        if (added.type().equals(config.type())) {
            signal(() -> onTypeAdded(added));
        }
    }

    /** A provider is going away; completes when this agent no longer uses it. */
    CompletionStage<Void> typeRemoving(AgentFactory removed) {
        if (!removed.type().equals(config.type())) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        signal(() -> {
            onTypeRemoving(removed);
            done.complete(null);
        });
        return done;
    }

    void enqueue(Envelope envelope) {
        mailbox.add(envelope);
        mailboxSize.incrementAndGet();
        schedule();
    }

    /** Interrupts a callback that does not return, so that a stop can complete. */
    void interruptCallback() {
        Thread thread = callbackThread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    void requestFinish(int forRun) {
        signal(() -> {
            if (forRun == run && state == AgentState.RUNNING) {
                endRunCleanly();
            }
        });
    }

    Subscription subscribe(int forRun, String topicFilter, Consumer<Message> handler) {
        String problem = TopicFilter.problem(topicFilter);
        if (problem != null) {
            throw new IllegalArgumentException("topic filter '" + topicFilter + "' " + problem);
        }
        Subscription subscription = system.pubSub().subscribe(topicFilter,
                (topic, payload) -> enqueue(Envelope.published(topic, payload, handler, forRun)));
        synchronized (subscriptions) {
            subscriptions.add(subscription);
        }
        return subscription;
    }

    // ---------------------------------------------------------------- the serial context

    private void signal(Runnable action) {
        signals.add(action);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                env.dispatcher().execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                LOG.debug("Agent {} not scheduled: the node is shutting down", name);
            }
        }
    }

    @Override
    public void run() {
        callbackThread = Thread.currentThread();
        try {
            for (int budget = THROUGHPUT; budget > 0; budget--) {
                Runnable action = signals.poll();
                if (action != null) {
                    runSignal(action);
                    continue;
                }
                if (!takesMessages()) {
                    break;
                }
                Envelope envelope = mailbox.poll();
                if (envelope == null) {
                    break;
                }
                mailboxSize.decrementAndGet();
                if (state == AgentState.RUNNING) {
                    deliver(envelope);
                } else {
                    refuse(envelope);
                }
            }
        } finally {
            callbackThread = null;
            Thread.interrupted();
            scheduled.set(false);
            if (hasWork()) {
                schedule();
            }
        }
    }

    private boolean takesMessages() {
        AgentState now = state;
        return now == AgentState.RUNNING || now.isTerminal();
    }

    private boolean hasWork() {
        return !signals.isEmpty() || (takesMessages() && !mailbox.isEmpty());
    }

    private void runSignal(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("Agent {}: internal error in its supervisor", name, e);
        }
    }

    private void begin(StartMode mode) {
        cancelTimer();
        run++;
        waitingForType = false;
        setState(AgentState.STARTING, "");
        if (persisted == null) {
            try {
                persisted = env.states().open(name, message -> recordError("state", Severity.ERROR, message));
            } catch (RuntimeException e) {
                giveUp("state", "cannot open persisted state: " + describe(e));
                return;
            }
        }
        AgentFactory available = system.typeRegistry().lookup(config.type()).orElse(null);
        if (available != null) {
            launch(available);
        } else if (mode == StartMode.RESTART) {
            awaitType(null, "its type went away");
        } else if (!installed && needsInstall()) {
            install(mode);
        } else if (mode == StartMode.RESTORE) {
            awaitType(env.bootTypeWait(), "restored at node start");
        } else {
            giveUp("resolve", "no installed bundle provides agent type '" + config.type() + "' (available: "
                    + String.join(", ", system.typeRegistry().types()) + "); name a 'bundle' to install it");
        }
    }

    private boolean needsInstall() {
        return config.bundle().isPresent() || !config.install().isEmpty();
    }

    private void install(StartMode mode) {
        installed = true;
        List<String> locations = new ArrayList<>(config.install());
        config.bundle().ifPresent(locations::add);
        setState(AgentState.STARTING, "installing " + String.join(", ", locations));
        int forRun = run;
        env.installer().install(config).whenComplete((ignored, failure) -> signal(() -> {
            if (forRun != run || state != AgentState.STARTING) {
                return;
            }
            if (failure != null) {
                giveUp("install", "could not install " + String.join(", ", locations) + ": " + rootMessage(failure));
                return;
            }
            AgentFactory available = system.typeRegistry().lookup(config.type()).orElse(null);
            if (available != null) {
                launch(available);
            } else {
                Duration limit = mode == StartMode.RESTORE ? max(env.bootTypeWait(), config.installTimeout())
                        : config.installTimeout();
                awaitType(limit, "installed " + String.join(", ", locations));
            }
        }));
    }

    /** Waits for the type; with a limit, not appearing in time is fatal. */
    private void awaitType(Duration limit, String why) {
        waitingForType = true;
        // Waiting at a start is still starting; waiting for a type that went away is its own state.
        setState(limit != null ? AgentState.STARTING : AgentState.WAITING,
                "waiting for type '" + config.type() + "' (" + why + ")");
        typeDeadline.cancel();
        if (limit != null) {
            int forRun = run;
            typeDeadline = env.scheduler().schedule(limit, () -> signal(() -> {
                if (forRun == run && waitingForType) {
                    waitingForType = false;
                    giveUp("resolve", "agent type '" + config.type() + "' did not appear within "
                            + seconds(limit) + " s (" + why + ")");
                }
            }));
        }
    }

    private void onTypeAdded(AgentFactory added) {
        AgentFactory preferred = system.typeRegistry().lookup(config.type()).orElse(null);
        if (preferred != added) {
            return;
        }
        if (waitingForType) {
            typeDeadline.cancel();
            launch(added);
        } else if (state == AgentState.RUNNING && factory != null && factory != added) {
            recordLog(Severity.INFO, "moving to " + added.provider() + " (was " + factory.provider() + ")");
            endInstance();
            run++;
            launch(added);
        }
    }

    private void onTypeRemoving(AgentFactory removed) {
        if (factory != removed) {
            return;
        }
        endInstance();
        run++;
        AgentFactory other = system.typeRegistry().lookup(config.type()).filter(f -> f != removed).orElse(null);
        if (other != null) {
            launch(other);
        } else {
            awaitType(null, "its bundle " + removed.provider() + " went away");
        }
    }

    private void launch(AgentFactory chosen) {
        waitingForType = false;
        typeDeadline.cancel();
        Agent created;
        try {
            created = chosen.create();
        } catch (RuntimeException e) {
            giveUp("resolve", "could not create an instance of type '" + config.type() + "' from "
                    + chosen.provider() + ": " + describe(e));
            return;
        }
        factory = chosen;
        instance = created;
        provider = chosen.provider();
        context = new CellContext(this, run);
        Throwable failure = call(() -> created.setup(context));
        if (failure != null) {
            releaseInstance();
            giveUp("setup", "setup() failed: " + describe(failure));
            return;
        }
        startedAt = env.scheduler().clock().instant();
        setState(AgentState.RUNNING, "");
        settled.complete(info());
        if (!config.pollInterval().isZero()) {
            int forRun = run;
            signals.add(() -> tick(forRun));
        }
    }

    private void tick(int forRun) {
        if (forRun != run || state != AgentState.RUNNING) {
            return;
        }
        ProcessCall call = new ProcessCall();
        Throwable failure = call.invoke();
        if (forRun != run || state != AgentState.RUNNING) {
            return;
        }
        if (failure instanceof Error && !call.timedOut) {
            crash("process", "process() threw " + describe(failure));
            return;
        }
        if (failure == null) {
            if (policy.onProcessSuccess()) {
                restartCount = policy.restartCount();
                recordLog(Severity.INFO, SupervisorPolicy.CREDIT_THRESHOLD
                        + " successful process() calls in a row: one restart credited back, restart_count now " + restartCount);
            }
        } else if (policy.onProcessFailure()) {
            crash("process", "process() failed " + SupervisorPolicy.ESCALATION_THRESHOLD + " times in a row, last: "
                    + describe(failure));
            return;
        } else {
            recordError("process", Severity.WARNING, "process() failed (" + policy.consecutiveFailures() + " of "
                    + SupervisorPolicy.ESCALATION_THRESHOLD + " in a row before a restart): " + describe(failure));
        }
        timer = env.scheduler().schedule(config.pollInterval(), () -> signal(() -> tick(forRun)));
    }

    private void deliver(Envelope envelope) {
        if (envelope.subscriber() != null) {
            if (envelope.run() == run) {
                Throwable failure = call(() -> envelope.subscriber().accept(message(envelope)));
                afterHandlerFailure(failure, "a subscription handler for " + envelope.topic());
            }
            return;
        }
        Object[] result = new Object[1];
        Throwable failure = call(() -> result[0] = instance.handle(message(envelope), context));
        CompletableFuture<Reply> reply = envelope.reply();
        if (failure == null) {
            if (reply != null) {
                completeReply(reply, result[0]);
            }
            return;
        }
        if (reply != null) {
            reply.completeExceptionally(new AskException(AskException.Reason.HANDLER_FAILED, name,
                    "agent " + name + " failed to handle the message: " + describe(failure)));
        }
        afterHandlerFailure(failure, "handle()");
    }

    private void afterHandlerFailure(Throwable failure, String where) {
        if (failure == null) {
            return;
        }
        if (failure instanceof Error) {
            crash("handle", where + " threw " + describe(failure));
        } else {
            recordError("handle", Severity.WARNING, where + " failed: " + describe(failure));
        }
    }

    private void completeReply(CompletableFuture<Reply> reply, Object value) {
        if (value instanceof CompletionStage<?> pending) {
            pending.whenComplete((v, failure) -> {
                if (failure == null) {
                    reply.complete(new DataReply(name, v, env.json()::convert));
                } else {
                    reply.completeExceptionally(new AskException(AskException.Reason.HANDLER_FAILED, name,
                            "agent " + name + " failed to handle the message: " + describe(rootCause(failure))));
                }
            });
        } else {
            reply.complete(new DataReply(name, value, env.json()::convert));
        }
    }

    private Message message(Envelope envelope) {
        return new LocalMessage(envelope.payload(), envelope.sender(), envelope.topic(), env.json());
    }

    private void refuse(Envelope envelope) {
        if (envelope.reply() != null) {
            envelope.reply().completeExceptionally(new AskException(AskException.Reason.NOT_RUNNING, name,
                    "agent " + name + " is " + state.wireName() + (detail.isEmpty() ? "" : ": " + detail)));
        }
    }

    private void crash(String phase, String cause) {
        endInstance();
        SupervisorPolicy.Decision decision = policy.onCrash();
        restartCount = policy.restartCount();
        if (!decision.restart()) {
            giveUp(phase, cause + "; " + decision.reason());
            return;
        }
        String plan = "restarting in " + seconds(decision.delay()) + " s (restart " + restartCount + " of "
                + config.maxRestarts() + ")";
        setState(AgentState.RESTARTING, plan);
        recordError(phase, Severity.ERROR, cause + "; " + plan);
        scheduleRun(decision.delay());
    }

    private void endRunCleanly() {
        endInstance();
        SupervisorPolicy.Decision decision = policy.onCleanFinish();
        if (decision.restart()) {
            setState(AgentState.RESTARTING, "finished; starting again in " + seconds(decision.delay()) + " s");
            scheduleRun(decision.delay());
        } else {
            finishWith(AgentState.STOPPED, "finished", null);
        }
    }

    private void scheduleRun(Duration delay) {
        int forRun = run;
        timer = env.scheduler().schedule(delay, () -> signal(() -> {
            if (forRun == run && state == AgentState.RESTARTING) {
                begin(StartMode.RESTART);
            }
        }));
    }

    private void stopNow(AgentCell successor) {
        endInstance();
        typeDeadline.cancel();
        waitingForType = false;
        run++;
        if (state != AgentState.STOPPED) {
            setState(AgentState.STOPPED, "stopped");
        }
        settled.complete(info());
        if (successor != null) {
            Envelope envelope;
            while ((envelope = mailbox.poll()) != null) {
                mailboxSize.decrementAndGet();
                successor.enqueue(envelope);
            }
        }
    }

    private void giveUp(String phase, String reason) {
        releaseInstance();
        cancelTimer();
        typeDeadline.cancel();
        finishWith(AgentState.FAILED, reason, phase);
    }

    private void finishWith(AgentState end, String reason, String errorPhase) {
        if (errorPhase != null) {
            rememberError(reason); // before the state: whoever sees the agent failed also finds why
        }
        setState(end, reason);
        if (errorPhase != null) {
            system.emit(this, AgentEvent.Kind.ERROR, errorPhase, Severity.FATAL, reason);
        }
        settled.complete(info());
    }

    /** Ends the current instance: subscriptions closed, timers cancelled, teardown, released. */
    private void endInstance() {
        cancelTimer();
        closeSubscriptions();
        if (instance != null) {
            Agent ending = instance;
            CellContext endingContext = context;
            Throwable failure = call(() -> ending.teardown(endingContext));
            if (failure != null) {
                recordError("teardown", Severity.WARNING, "teardown() failed: " + describe(failure));
            }
        }
        releaseInstance();
    }

    private void releaseInstance() {
        if (instance != null) {
            try {
                factory.release(instance);
            } catch (RuntimeException e) {
                LOG.debug("Agent {}: releasing its instance failed", name, e);
            }
        }
        instance = null;
        factory = null;
        context = null;
        startedAt = null;
    }

    private void closeSubscriptions() {
        synchronized (subscriptions) {
            subscriptions.forEach(Subscription::close);
            subscriptions.clear();
        }
    }

    private void cancelTimer() {
        timer.cancel();
        timer = Cancellable.NONE;
    }

    // ---------------------------------------------------------------- callbacks

    @FunctionalInterface
    private interface Callback {
        void call() throws Exception;
    }

    /** Runs agent code; returns what it threw, or null. */
    private static Throwable call(Callback callback) {
        try {
            callback.call();
            return null;
        } catch (Throwable t) { // the agent's failure is its supervisor's business, whatever it is
            return t;
        }
    }

    /** One {@code process()} call under the {@code process_timeout} watchdog. */
    private final class ProcessCall {
        private final Thread thread = Thread.currentThread();
        private boolean finished;
        boolean timedOut;

        Throwable invoke() {
            Duration limit = config.processTimeout();
            Cancellable watchdog = limit.isZero() ? Cancellable.NONE : env.scheduler().schedule(limit, this::expire);
            Throwable failure = call(() -> instance.process(context));
            watchdog.cancel();
            synchronized (this) {
                finished = true;
            }
            Thread.interrupted();
            if (timedOut) {
                return new ProcessTimeoutError("process() exceeded process_timeout of " + seconds(limit)
                        + " s and was interrupted");
            }
            return failure;
        }

        private synchronized void expire() {
            if (!finished) {
                timedOut = true;
                thread.interrupt();
            }
        }
    }

    /** A {@code process()} that hung: counted as one failure, not a crash. */
    private static final class ProcessTimeoutError extends Exception {
        private static final long serialVersionUID = 1L;

        ProcessTimeoutError(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    // ---------------------------------------------------------------- events and views

    private void setState(AgentState next, String why) {
        state = next;
        detail = why;
        system.emit(this, AgentEvent.Kind.STATE_CHANGED, null, Severity.INFO,
                next.wireName() + (why.isEmpty() ? "" : ": " + why));
    }

    private void recordError(String phase, Severity severity, String message) {
        rememberError(message);
        system.emit(this, AgentEvent.Kind.ERROR, phase, severity, message);
    }

    private void rememberError(String message) {
        lastError = message;
        lastErrorAt = env.scheduler().clock().instant();
    }

    private void recordLog(Severity severity, String message) {
        system.emit(this, AgentEvent.Kind.LOG, null, severity, message);
    }

    void agentLog(Severity severity, String message) {
        recordLog(severity, message);
    }

    void alert(String message, Severity severity) {
        system.emit(this, AgentEvent.Kind.ALERT, null, severity, message);
    }

    /** Called by the system for every event of this agent: keeps the log and writes it to the node log. */
    void logEvent(AgentEvent event) {
        String line = logLine(event);
        log.add(new LogEntry(event.timestamp(), name, event.severity(), line));
        switch (event.severity()) {
            case INFO -> agentLogger.info("{}", line);
            case WARNING -> agentLogger.warn("{}", line);
            default -> agentLogger.error("{}", line);
        }
    }

    private static String logLine(AgentEvent event) {
        return switch (event.kind()) {
            case STATE_CHANGED -> "state " + event.message();
            case ERROR -> event.severity().wireName() + " in " + event.phase() + ": " + event.message();
            case ALERT -> "alert (" + event.severity().wireName() + "): " + event.message();
            case LOG -> event.message();
            case REMOVED -> "removed" + (event.message() == null ? "" : ", moved to node " + event.message());
        };
    }

    AgentInfo info() {
        return new AgentInfo(name, actorId, config.type(), system.nodeName(), state, restartCount, epoch);
    }

    String name() {
        return name;
    }

    String actorId() {
        return actorId;
    }

    SpawnConfig config() {
        return config;
    }

    AgentSystem system() {
        return system;
    }

    AgentState state() {
        return state;
    }

    int restartCount() {
        return restartCount;
    }

    long epoch() {
        return epoch;
    }

    String detail() {
        return detail;
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }

    Instant startedAt() {
        return startedAt;
    }

    String provider() {
        return provider;
    }

    int mailboxSize() {
        return mailboxSize.get();
    }

    AgentLog log() {
        return log;
    }

    CompletionStage<AgentInfo> settled() {
        return settled;
    }

    PersistedState persisted() {
        PersistedState current = persisted;
        if (current == null) {
            throw new IllegalStateException("agent " + name + " has not started yet");
        }
        return current;
    }

    Map<String, Object> persistedSnapshot() {
        PersistedState current = persisted;
        return current == null ? Map.of() : current.snapshot();
    }

    // ---------------------------------------------------------------- helpers

    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String kind = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = rootCause(failure);
        return cause.getMessage() != null ? cause.getMessage() : describe(cause);
    }

    static String seconds(Duration duration) {
        double value = duration.toNanos() / 1e9;
        return value == Math.rint(value) ? String.format("%.1f", value) : String.valueOf(Math.round(value * 1000) / 1000.0);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
