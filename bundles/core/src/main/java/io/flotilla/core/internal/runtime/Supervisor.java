package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.core.internal.exec.Scheduler.Cancellable;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.SpawnConfig;

/**
 * What one agent's supervisor does when a run ends or {@code process()} is due: restart after the
 * back-off, give up, or stop, as {@link SupervisorPolicy} decides; {@code process()} every
 * {@code poll_interval} under the {@code process_timeout} watchdog. Confined to the agent's serial
 * context.
 */
final class Supervisor {

    /** The phase of the supervisor's own decisions: a restart, or giving up. */
    static final String SUPERVISOR_PHASE = "supervisor";
    /** The Wactorz runner's: from the third {@code process()} failure in a row, it is critical. */
    private static final int CRITICAL_FROM = 3;
    /** The longest an interrupted {@code process()} has to return before it is given up on. */
    static final Duration MAX_HUNG_GRACE = Duration.ofSeconds(10);
    /** How many abandoned {@code process()} calls a node lets hold its threads before it restarts no more agents for one. */
    static final int MAX_ABANDONED_CALLS = 16;
    /** What an abandoned call's thread finds when it returns: the agent has gone on without it. */
    private static final Throwable ABANDONED = new ProcessTimeoutError("abandoned");
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final AgentCell cell;
    private final SpawnConfig config;
    private final RuntimeEnvironment env;
    private final SupervisorPolicy policy;

    Supervisor(AgentCell cell, SpawnConfig config, RuntimeEnvironment env) {
        this.cell = cell;
        this.config = config;
        this.env = env;
        this.policy = new SupervisorPolicy(config, env.random());
    }

    /** An operator restart: a fresh budget. */
    void resetBudget() {
        policy.reset();
        cell.status().restartCount(0);
    }

    /**
     * The run crashed in {@code phase}: restart after the back-off, or give up when the policy says so.
     * Either is the supervisor's decision, reported as Wactorz does: phase {@code supervisor},
     * {@code warning} for a restart and {@code fatal} for giving up, with the crash's own phase as
     * {@code cause_phase}.
     */
    void crash(String phase, String cause) {
        cell.run().end();
        decideAfterCrash(phase, cause);
    }

    private void decideAfterCrash(String phase, String cause) {
        SupervisorPolicy.Decision decision = policy.onCrash();
        cell.status().restartCount(policy.restartCount());
        Map<String, Object> causePhase = Map.of("cause_phase", phase);
        if (!decision.restart()) {
            String reason = "Restart budget exhausted after " + policy.restartCount() + " crashes: " + cause + "; "
                    + decision.reason();
            giveUp(SUPERVISOR_PHASE, reason, causePhase);
            return;
        }
        String plan = "restarting in " + Failures.seconds(decision.delay()) + " s (attempt " + policy.restartCount()
                + "/" + config.maxRestarts() + ")";
        cell.status().setState(AgentState.RESTARTING, plan);
        cell.status().recordError(SUPERVISOR_PHASE, Severity.WARNING, "Agent crashed, " + plan + ": " + cause, causePhase);
        scheduleRun(decision.delay());
    }

    /** The run finished on its own ({@code AgentContext.finish()}). */
    void finishedCleanly() {
        cell.run().end();
        SupervisorPolicy.Decision decision = policy.onCleanFinish();
        if (decision.restart()) {
            cell.status().setState(AgentState.RESTARTING, "finished; starting again in " + Failures.seconds(decision.delay()) + " s");
            scheduleRun(decision.delay());
        } else {
            finish(AgentState.STOPPED, "finished", null, Map.of());
        }
    }

    /** Fatal: the agent fails for good, with {@code reason} as its last error. */
    void giveUp(String phase, String reason) {
        giveUp(phase, reason, Map.of());
    }

    /** {@link #giveUp(String, String)} with more for the error event, such as a compiler's {@code diagnostics}. */
    void giveUp(String phase, String reason, Map<String, Object> fields) {
        cell.run().release();
        cell.run().cancelTimer();
        cell.types().cancelWait();
        finish(AgentState.FAILED, reason, phase, fields);
    }

    private void finish(AgentState end, String reason, String errorPhase, Map<String, Object> fields) {
        if (errorPhase != null) {
            cell.status().rememberError(reason); // before the state: whoever sees the agent failed also finds why
        }
        cell.status().setState(end, reason);
        if (errorPhase != null) {
            cell.emit(AgentEvent.Kind.ERROR, errorPhase, Severity.FATAL, reason, fields);
            cell.system().failedForGood(cell, reason);
        }
        cell.settle();
    }

    private void scheduleRun(Duration delay) {
        int forRun = cell.run().number();
        cell.run().setTimer(env.scheduler().schedule(delay, () -> cell.signal(() -> {
            if (forRun == cell.run().number() && cell.status().state() == AgentState.RESTARTING) {
                cell.begin(AgentCell.StartMode.RESTART);
            }
        })));
    }

    // ---------------------------------------------------------------- process()

    /** Calls {@code process()} at once and then every {@code poll_interval}, unless that is zero. */
    void startTicking() {
        if (!config.pollInterval().isZero()) {
            int forRun = cell.run().number();
            cell.mailbox().signalWithin(() -> tick(forRun));
        }
    }

    /** Calls {@code process()} after {@code poll_interval}, as after a tick; for a resumed agent. */
    void resumeTicking() {
        if (!config.pollInterval().isZero()) {
            scheduleTick(cell.run().number());
        }
    }

    private void scheduleTick(int forRun) {
        scheduleTick(forRun, config.pollInterval());
    }

    private void scheduleTick(int forRun, Duration delay) {
        cell.run().setTimer(env.scheduler().schedule(delay, () -> cell.signal(() -> tick(forRun))));
    }

    private boolean current(int forRun) {
        return forRun == cell.run().number() && cell.status().state() == AgentState.RUNNING;
    }

    private void tick(int forRun) {
        if (!current(forRun)) {
            return;
        }
        ProcessCall call = new ProcessCall();
        Throwable failure = call.invoke();
        if (failure == ABANDONED || !current(forRun)) {
            return;
        }
        if (failure instanceof Error && !call.timedOut) {
            crash("process", "process() threw " + Failures.describe(failure));
            return;
        }
        if (failure == null) {
            if (policy.onProcessSuccess()) {
                cell.status().restartCount(policy.restartCount());
                cell.status().recordLog(Severity.INFO, SupervisorPolicy.CREDIT_THRESHOLD
                        + " successful process() calls in a row: one restart credited back, restart_count now "
                        + policy.restartCount());
            }
        } else if (policy.onProcessFailure()) {
            processFailed(failure, "restarting the agent");
            crash("process", "process() failed " + SupervisorPolicy.ESCALATION_THRESHOLD + " times in a row, last: "
                    + Failures.describe(failure));
            return;
        } else {
            Duration pause = env.processBackoff().after(policy.consecutiveFailures(), config.pollInterval());
            processFailed(failure, "next call in " + Failures.seconds(pause) + " s");
            scheduleTick(forRun, pause);
            return;
        }
        scheduleTick(forRun);
    }

    /** As Wactorz: a warning with how many in a row, critical from the third. */
    private void processFailed(Throwable failure, String next) {
        int consecutive = policy.consecutiveFailures();
        Severity severity = consecutive >= CRITICAL_FROM ? Severity.CRITICAL : Severity.WARNING;
        cell.status().recordError("process", severity, "process() failed (" + consecutive + " of "
                + SupervisorPolicy.ESCALATION_THRESHOLD + " in a row before a restart; " + next + "): "
                + Failures.describe(failure), Map.of("consecutive", consecutive));
    }

    /**
     * A {@code process()} call that did not return even when interrupted: one failure, and a restart
     * on a fresh instance, the stuck one left to its thread. In the new turn of the context.
     */
    private void hung(int forRun, Duration limit) {
        if (forRun != cell.run().number()) {
            return;
        }
        cell.run().abandon();
        policy.onProcessFailure();
        String cause = "process() did not return within process_timeout of " + Failures.seconds(limit)
                + " s, nor when interrupted; its instance is abandoned to its thread";
        int stuck = cell.system().abandonedCalls().get();
        if (stuck > MAX_ABANDONED_CALLS) {
            // Each holds a thread of the shared pool for good: past this many, the pool itself is at risk
            giveUp("process", cause + "; " + stuck + " such calls hold threads of this node already, over "
                    + MAX_ABANDONED_CALLS + ": not restarted");
            return;
        }
        processFailed(new ProcessTimeoutError(cause), "restarting the agent on a fresh instance");
        decideAfterCrash("process", cause);
    }

    /**
     * One {@code process()} call under the {@code process_timeout} watchdog. At the limit the call is
     * interrupted; if it has not returned as long again later (at most {@link #MAX_HUNG_GRACE}), it is
     * given up on: the agent's context goes on without its thread.
     */
    private final class ProcessCall {
        private final Thread thread = Thread.currentThread();
        private final int forRun = cell.run().number();
        private Duration limit;
        private boolean finished;
        private boolean abandoned;
        boolean timedOut;

        /** The call's failure, null, or {@link #ABANDONED} when the context has gone on without it. */
        Throwable invoke() {
            limit = config.processTimeout();
            Cancellable watchdog = limit.isZero() ? Cancellable.NONE : env.scheduler().schedule(limit, this::expire);
            AgentRun run = cell.run();
            Agent instance = run.instance();
            AgentFactory factory = run.factory();
            CellContext context = run.context();
            Throwable failure = Callbacks.call(() -> instance.process(context));
            watchdog.cancel();
            synchronized (this) {
                finished = true;
                if (abandoned) {
                    releaseAbandoned(instance, factory);
                    return ABANDONED;
                }
            }
            Thread.interrupted();
            if (timedOut) {
                return new ProcessTimeoutError("process() exceeded process_timeout of " + Failures.seconds(limit)
                        + " s and was interrupted");
            }
            return failure;
        }

        private synchronized void expire() {
            if (!finished) {
                timedOut = true;
                thread.interrupt();
                Duration grace = limit.compareTo(MAX_HUNG_GRACE) < 0 ? limit : MAX_HUNG_GRACE;
                env.scheduler().schedule(grace, this::abandonIfStuck);
            }
        }

        /** Under the lock the stuck thread takes when it returns: it either finds the turn abandoned or is in time. */
        private synchronized void abandonIfStuck() {
            if (!finished) {
                abandoned = true;
                cell.system().abandonedCalls().incrementAndGet();
                cell.mailbox().abandonTurn(() -> hung(forRun, limit));
            }
        }

        /** On the abandoned thread, outside the context: the instance goes back to its factory. */
        private void releaseAbandoned(Agent instance, AgentFactory factory) {
            cell.system().abandonedCalls().decrementAndGet();
            try {
                factory.release(instance);
            } catch (RuntimeException e) {
                LOG.debug("Agent {}: releasing its abandoned instance failed", cell.name(), e);
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
}
