package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.Map;

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

    private void giveUp(String phase, String reason, Map<String, Object> fields) {
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
        if (!current(forRun)) {
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

    /** One {@code process()} call under the {@code process_timeout} watchdog. */
    private final class ProcessCall {
        private final Thread thread = Thread.currentThread();
        private boolean finished;
        boolean timedOut;

        Throwable invoke() {
            Duration limit = config.processTimeout();
            Cancellable watchdog = limit.isZero() ? Cancellable.NONE : env.scheduler().schedule(limit, this::expire);
            AgentRun run = cell.run();
            Throwable failure = Callbacks.call(() -> run.instance().process(run.context()));
            watchdog.cancel();
            synchronized (this) {
                finished = true;
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
