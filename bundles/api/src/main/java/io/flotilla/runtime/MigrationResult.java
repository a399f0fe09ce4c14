package io.flotilla.runtime;

import java.util.Optional;

/**
 * How a migration ended. It succeeded only when the target confirmed that the agent runs there.
 *
 * @param success    whether the agent now runs on {@code toNode}
 * @param agent      the agent
 * @param fromNode   where it ran
 * @param toNode     where it was to go
 * @param error      why it failed (then it still runs on {@code fromNode}), or null
 * @param durationMs from the request to the confirmed handoff, or to the failure
 */
public record MigrationResult(boolean success, String agent, String fromNode, String toNode, String error,
        long durationMs) {

    public Optional<String> failure() {
        return Optional.ofNullable(error);
    }
}
