package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.LogEntry;

/**
 * What an agent's state is and what happened to it, as every other thread sees it: state and what
 * it is doing in it, restart count, last error, and the agent's own log. Written inside the agent's
 * serial context only; every change is an {@link AgentEvent}.
 */
final class CellStatus {

    private static final int MAX_RESULT_IN_LOG = 200;
    /** The shortest span a CPU figure is taken over: figures asked for sooner repeat the last one. */
    static final Duration CPU_WINDOW = Duration.ofSeconds(5);

    private final AgentCell cell;
    private final Logger agentLogger;
    private final AgentLog log = new AgentLog();

    private volatile AgentState state = AgentState.STARTING;
    private volatile String detail = "";
    private volatile int restartCount;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private final AtomicLong cpuNanos = new AtomicLong();
    // The last CPU figure and what it was taken from; under this object's lock.
    private long cpuSampled;
    private Instant cpuSampledAt;
    private double cpuPercent;

    CellStatus(AgentCell cell) {
        this.cell = cell;
        this.agentLogger = LoggerFactory.getLogger("io.flotilla.agent." + cell.name());
        this.cpuSampledAt = cell.now();
    }

    AgentState state() {
        return state;
    }

    /** What the agent is doing in its state ("restarting in 6.0 s", "waiting for type x"), or empty. */
    String detail() {
        return detail;
    }

    int restartCount() {
        return restartCount;
    }

    void restartCount(int count) {
        restartCount = count;
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }

    AgentLog log() {
        return log;
    }

    void setState(AgentState next, String why) {
        state = next;
        detail = why;
        cell.emit(AgentEvent.Kind.STATE_CHANGED, null, Severity.INFO,
                next.wireName() + (why.isEmpty() ? "" : ": " + why));
    }

    /** CPU time a turn of the agent's context took. Any thread. */
    void chargeCpu(long nanos) {
        cpuNanos.addAndGet(nanos);
    }

    /**
     * The percent of one core the agent's callbacks used since the figure was last taken, at least
     * {@link #CPU_WINDOW} ago: the heartbeats, every 10 s, take it. Any thread.
     */
    synchronized double cpuPercent() {
        Instant now = cell.now();
        Duration since = Duration.between(cpuSampledAt, now);
        if (since.compareTo(CPU_WINDOW) >= 0) {
            long used = cpuNanos.get();
            cpuPercent = 100.0 * (used - cpuSampled) / since.toNanos();
            cpuSampled = used;
            cpuSampledAt = now;
        }
        return cpuPercent;
    }

    void recordError(String phase, Severity severity, String message) {
        recordError(phase, severity, message, Map.of());
    }

    /** An error with more to say on the wire: {@code consecutive}, {@code cause_phase}. */
    void recordError(String phase, Severity severity, String message, Map<String, Object> fields) {
        rememberError(message);
        cell.emit(AgentEvent.Kind.ERROR, phase, severity, message, fields);
    }

    /** Sets the last error without an event: for a fatal error, whose event follows its state. */
    void rememberError(String message) {
        lastError = message;
        lastErrorAt = cell.now();
    }

    void recordLog(Severity severity, String message) {
        cell.emit(AgentEvent.Kind.LOG, null, severity, message);
    }

    void alert(String message, Severity severity) {
        cell.emit(AgentEvent.Kind.ALERT, null, severity, message);
    }

    /** A result of the agent's, a JSON value (a copy: the agent may change its own afterwards). */
    void result(Object value) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("result", value);
        cell.emit(AgentEvent.Kind.RESULT, null, Severity.INFO, "result", fields);
    }

    /** Every event of the agent: kept in its log and written to the node log, on the thread it happened. */
    void logEvent(AgentEvent event) {
        String line = logLine(event);
        log.add(new LogEntry(event.timestamp(), cell.name(), event.severity(), line));
        switch (event.severity()) {
            case INFO -> agentLogger.info("{}", line);
            case WARNING -> agentLogger.warn("{}", line);
            default -> agentLogger.error("{}", line);
        }
    }

    /** A result in the log: its start, a result being as large as an agent makes it. */
    private static String shortened(String text) {
        return text.length() <= MAX_RESULT_IN_LOG ? text : text.substring(0, MAX_RESULT_IN_LOG) + "... (" + text.length()
                + " characters)";
    }

    private static String logLine(AgentEvent event) {
        return switch (event.kind()) {
            case STATE_CHANGED, PRESENT -> "state " + event.message();
            case ERROR -> "[" + event.phase() + "] " + event.message(); // the entry has the severity already
            case ALERT -> "alert (" + event.severity().wireName() + "): " + event.message();
            case LOG -> event.message();
            case RESULT -> "result: " + shortened(String.valueOf(event.fields().get("result")));
            case REMOVED -> "removed" + (event.message() == null ? "" : ", moved to node " + event.message());
        };
    }
}
