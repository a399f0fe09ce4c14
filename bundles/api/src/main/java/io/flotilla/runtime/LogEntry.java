package io.flotilla.runtime;

import java.time.Instant;

import io.flotilla.api.Severity;

/** One line of an agent's log: its own log calls and alerts, and its supervisor's events. */
public record LogEntry(Instant timestamp, String agent, Severity severity, String message) {
}
