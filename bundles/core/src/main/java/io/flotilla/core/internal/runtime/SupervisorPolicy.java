package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.function.DoubleSupplier;

import io.flotilla.runtime.RestartType;
import io.flotilla.runtime.SpawnConfig;

/**
 * The supervision rules of one agent, as counters and decisions with no clock or thread of their
 * own (ONE_FOR_ONE, the semantics of the Wactorz remote runner):
 * <ul>
 * <li>a crash restarts after {@code min(restart_delay * 2^(restart_count-1), max_restart_delay)};</li>
 * <li>{@value #ESCALATION_THRESHOLD} failed {@code process()} calls in a row escalate to a crash;</li>
 * <li>more than {@code max_restarts} crashes give up;</li>
 * <li>{@value #CREDIT_THRESHOLD} successful {@code process()} calls in a row credit one restart back;</li>
 * <li>{@code transient} agents restart only after a crash, {@code temporary} ones never.</li>
 * </ul>
 * Confined to the agent's serial context.
 */
final class SupervisorPolicy {

    static final int ESCALATION_THRESHOLD = 5;
    static final int CREDIT_THRESHOLD = 10;

    private final SpawnConfig config;
    private final DoubleSupplier random;

    private int restartCount;
    private int consecutiveFailures;
    private int consecutiveSuccesses;

    SupervisorPolicy(SpawnConfig config, DoubleSupplier random) {
        this.config = config;
        this.random = random;
    }

    /** What to do when a run ends. */
    record Decision(boolean restart, Duration delay, String reason) {
        static Decision restartAfter(Duration delay) {
            return new Decision(true, delay, null);
        }

        static Decision end(String reason) {
            return new Decision(false, Duration.ZERO, reason);
        }
    }

    int restartCount() {
        return restartCount;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** A {@code process()} call succeeded; true when it earned a restart token back. */
    boolean onProcessSuccess() {
        consecutiveFailures = 0;
        if (++consecutiveSuccesses < CREDIT_THRESHOLD) {
            return false;
        }
        consecutiveSuccesses = 0;
        if (restartCount == 0) {
            return false;
        }
        restartCount--;
        return true;
    }

    /** A {@code process()} call failed; true when this failure escalates to a crash. */
    boolean onProcessFailure() {
        consecutiveSuccesses = 0;
        return ++consecutiveFailures >= ESCALATION_THRESHOLD;
    }

    /** The run crashed: restart after the back-off, or give up. */
    Decision onCrash() {
        resetRun();
        if (config.restart() == RestartType.TEMPORARY) {
            return Decision.end("temporary agents are not restarted");
        }
        restartCount++;
        if (restartCount > config.maxRestarts()) {
            return Decision.end("restart budget exhausted (max_restarts " + config.maxRestarts() + ")");
        }
        return Decision.restartAfter(backoff(restartCount));
    }

    /**
     * The run finished cleanly ({@code AgentContext.finish()}): a permanent agent starts again after
     * {@code restart_delay}, without spending its budget; the others stop.
     */
    Decision onCleanFinish() {
        resetRun();
        if (config.restart() == RestartType.PERMANENT) {
            return Decision.restartAfter(jittered(config.restartDelay()));
        }
        return Decision.end("finished");
    }

    /** An operator restart: a fresh budget. */
    void reset() {
        resetRun();
        restartCount = 0;
    }

    /** The delay before restart number {@code n} (1-based), before jitter. */
    Duration baseBackoff(int n) {
        double seconds = seconds(config.restartDelay()) * Math.pow(2, n - 1);
        double capped = Math.min(seconds, seconds(config.maxRestartDelay()));
        return Duration.ofNanos(Math.round(capped * 1e9));
    }

    private Duration backoff(int n) {
        return jittered(baseBackoff(n));
    }

    private Duration jittered(Duration base) {
        double jitter = config.restartJitter();
        if (jitter == 0) {
            return base;
        }
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos(Math.round(base.toNanos() * factor));
    }

    private void resetRun() {
        consecutiveFailures = 0;
        consecutiveSuccesses = 0;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
