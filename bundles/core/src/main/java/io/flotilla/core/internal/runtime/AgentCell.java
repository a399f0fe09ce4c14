package io.flotilla.core.internal.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.CompileException;
import io.flotilla.api.Message;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.core.internal.store.PersistedState;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.spi.handoff.PendingMessage;
import io.flotilla.util.Json;

/**
 * One agent: its mailbox, its runs and its supervisor. Other threads only ask for things here
 * ({@link #start}, {@link #stop}, {@link #pause}, a message...); each request becomes a signal that
 * runs in the agent's serial context ({@link Mailbox}), where the collaborators do the work: the
 * {@link Supervisor} decides about ends and calls {@code process()}, the {@link TypeResolution}
 * finds the code of the type, {@link Delivery} hands messages over, {@link CellStatus} keeps what
 * others see. Messages wait while the agent starts, restarts, waits for its type or is paused;
 * once it has stopped or failed they are answered with an error.
 */
final class AgentCell implements Mailbox.Owner {

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
    private final Mailbox mailbox;
    private final CellStatus status;
    private final AgentRun run = new AgentRun(this);
    private final Supervisor supervisor;
    private final TypeResolution types;
    private final Delivery delivery;
    private final CompletableFuture<AgentInfo> settled = new CompletableFuture<>();

    private volatile PersistedState persisted;
    private volatile long epoch;

    AgentCell(AgentSystem system, RuntimeEnvironment env, SpawnConfig config, String actorId, long epoch) {
        this.system = system;
        this.env = env;
        this.name = config.name();
        this.actorId = actorId;
        this.epoch = epoch;
        this.config = config;
        this.mailbox = new Mailbox(env.dispatcher(), this);
        this.status = new CellStatus(this);
        this.supervisor = new Supervisor(this, config, env);
        this.types = new TypeResolution(this, config, env);
        this.delivery = new Delivery(this, env);
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

    /** Brings back an agent that had failed for good before the node restarted: failed, with why. */
    void restoreFailed(String reason) {
        signal(() -> {
            run.next();
            status.rememberError(reason);
            status.setState(AgentState.FAILED, reason);
            settle();
        });
    }

    /** An operator restart: a fresh restart budget and a new run, whatever the state. */
    void restartNow() {
        signal(() -> {
            run.end();
            supervisor.resetBudget();
            types.forgetInstall();
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
            if (status.state() != AgentState.RUNNING) {
                done.completeExceptionally(new IllegalStateException("agent " + name + " is " + status.state().wireName()
                        + (status.detail().isEmpty() ? "" : " (" + status.detail() + ")") + "; only a running agent can move"));
                return;
            }
            run.cancelTimer();
            status.setState(AgentState.PAUSED, "held still for a move");
            done.complete(new AgentSnapshot(config, actorId, epoch, persisted().snapshot()));
        });
        return done;
    }

    /** Lets a paused agent run again, at an epoch of at least {@code atLeast}; waiting messages follow in order. */
    void resume(long atLeast) {
        signal(() -> {
            epoch = Math.max(epoch, atLeast);
            if (status.state() != AgentState.PAUSED) {
                return;
            }
            status.setState(AgentState.RUNNING, "");
            supervisor.resumeTicking();
        });
    }

    /**
     * Ends a paused agent that moved to {@code where}: teardown, stopped. Completes with the messages
     * that waited, oldest first; messages from its subscriptions are dropped, the new copy has its own.
     */
    CompletionStage<List<PendingMessage>> release(String where) {
        CompletableFuture<List<PendingMessage>> done = new CompletableFuture<>();
        signal(() -> {
            if (status.state() != AgentState.PAUSED) {
                done.completeExceptionally(new IllegalStateException("agent " + name + " is "
                        + status.state().wireName() + ", no longer held still for its move"));
                return;
            }
            run.end();
            run.next();
            status.setState(AgentState.STOPPED, "moved to " + where);
            settle();
            List<PendingMessage> waiting = new ArrayList<>();
            mailbox.drainTo(envelope -> {
                if (envelope.subscriber() == null) {
                    waiting.add(new PendingMessage(envelope.payload(), envelope.sender(), envelope.reply()));
                }
            });
            done.complete(waiting);
        });
        return done;
    }

    /** A provider of some type appeared; the agent starts or moves to it when it is its type. */
    void typeAdded(AgentFactory added) {
        if (added.type().equals(config.type())) {
            signal(() -> types.added(added));
        }
    }

    /** A provider is going away; completes when this agent no longer uses it. */
    CompletionStage<Void> typeRemoving(AgentFactory removed) {
        if (!removed.type().equals(config.type())) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        signal(() -> {
            types.removing(removed);
            done.complete(null);
        });
        return done;
    }

    void enqueue(Envelope envelope) {
        mailbox.enqueue(envelope);
    }

    /** Interrupts a callback that does not return, so that a stop can complete. */
    void interruptCallback() {
        mailbox.interruptCallback();
    }

    /** {@code AgentContext.finish()} of run {@code forRun}. */
    void requestFinish(int forRun) {
        signal(() -> {
            if (forRun == run.number() && status.state() == AgentState.RUNNING) {
                supervisor.finishedCleanly();
            }
        });
    }

    /** {@code AgentContext.subscribe} of run {@code forRun}: its messages come through the mailbox. */
    Subscription subscribe(int forRun, String topicFilter, Consumer<Message> handler) {
        return run.subscribe(forRun, topicFilter, handler);
    }

    // ---------------------------------------------------------------- the serial context

    void signal(Runnable action) {
        mailbox.signal(action);
    }

    @Override
    public boolean takesMessages() {
        AgentState now = status.state();
        return now == AgentState.RUNNING || now.isTerminal();
    }

    @Override
    public void charge(long cpuNanos) {
        status.chargeCpu(cpuNanos);
    }

    @Override
    public void receive(Envelope envelope) {
        if (status.state() == AgentState.RUNNING) {
            delivery.deliver(envelope);
        } else {
            delivery.refuse(envelope);
        }
    }

    /** Begins a new run: opens the persisted state once, then finds the type. */
    void begin(StartMode mode) {
        run.cancelTimer();
        run.next();
        types.cancelWait();
        status.setState(AgentState.STARTING, "");
        if (persisted == null) {
            try {
                persisted = env.states().open(name, message -> status.recordError("state", Severity.ERROR, message),
                        new PersistedState.WriteTrouble(problem -> status.recordError("state", Severity.ERROR, problem),
                                message -> status.recordLog(Severity.INFO, message)));
            } catch (RuntimeException e) {
                supervisor.giveUp("state", "cannot open persisted state: " + Failures.describe(e));
                return;
            }
        }
        types.resolve(mode);
    }

    /** Creates an instance from {@code chosen} and sets it up; running from then on, or failed. */
    void launch(AgentFactory chosen) {
        types.cancelWait();
        Agent created;
        try {
            created = chosen.create();
        } catch (RuntimeException e) {
            supervisor.giveUp(TypeResolution.COMPILE_PHASE, "could not create an instance of type '" + config.type() + "' from "
                    + chosen.provider() + ": " + Failures.describe(e));
            return;
        }
        CellContext context = run.adopt(created, chosen);
        Throwable failure = Callbacks.call(() -> created.setup(context));
        if (failure instanceof CompileException notCompiled) {
            run.release();
            supervisor.giveUp(TypeResolution.COMPILE_PHASE, "compile error: " + notCompiled.getMessage(),
                    Map.of("diagnostics", notCompiled.diagnostics()));
            return;
        }
        if (failure != null) {
            run.release();
            supervisor.giveUp("setup", "setup() failed: " + Failures.describe(failure));
            return;
        }
        run.markStarted(now());
        status.setState(AgentState.RUNNING, "");
        settle();
        supervisor.startTicking();
    }

    private void stopNow(AgentCell successor) {
        run.end();
        types.cancelWait();
        run.next();
        if (status.state() != AgentState.STOPPED) {
            status.setState(AgentState.STOPPED, "stopped");
        }
        settle();
        if (successor != null) {
            mailbox.drainTo(successor::enqueue);
        }
    }

    /** The agent first runs, or ends: whoever waits for that is told, once. */
    void settle() {
        settled.complete(info());
    }

    void emit(AgentEvent.Kind kind, String phase, Severity severity, String message) {
        emit(kind, phase, severity, message, Map.of());
    }

    void emit(AgentEvent.Kind kind, String phase, Severity severity, String message, Map<String, Object> fields) {
        system.emit(this, kind, phase, severity, message, fields);
    }

    Instant now() {
        return env.scheduler().clock().instant();
    }

    // ---------------------------------------------------------------- collaborators and views

    Json json() {
        return env.json();
    }

    AgentSystem system() {
        return system;
    }

    Mailbox mailbox() {
        return mailbox;
    }

    CellStatus status() {
        return status;
    }

    AgentRun run() {
        return run;
    }

    Supervisor supervisor() {
        return supervisor;
    }

    TypeResolution types() {
        return types;
    }

    AgentInfo info() {
        return new AgentInfo(name, actorId, config.type(), system.nodeName(), status.state(), status.restartCount(), epoch,
                status.cpuPercent());
    }

    @Override
    public String name() {
        return name;
    }

    String actorId() {
        return actorId;
    }

    SpawnConfig config() {
        return config;
    }

    AgentState state() {
        return status.state();
    }

    long epoch() {
        return epoch;
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
}
