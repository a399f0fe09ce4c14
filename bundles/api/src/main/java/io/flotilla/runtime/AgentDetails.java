package io.flotilla.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.flotilla.api.AgentInfo;

/**
 * Everything {@code agent:info} shows about one agent.
 *
 * @param info         name, type, state and restart count
 * @param config       its spawn configuration
 * @param persisted    its persisted state
 * @param detail       what it is doing in its state ("restarting in 6.0 s", "waiting for type x"), or empty
 * @param lastError    the last error it reported, or null
 * @param lastErrorAt  when, or null
 * @param startedAt    when its current run started, or null when not running
 * @param uptime       how long the current run has lasted, zero when not running
 * @param mailbox      messages waiting in its mailbox
 * @param provider     the bundle that provides its type ({@code symbolic-name/version}), or null
 */
public record AgentDetails(AgentInfo info, SpawnConfig config, Map<String, Object> persisted, String detail,
        String lastError, Instant lastErrorAt, Instant startedAt, Duration uptime, int mailbox, String provider) {
}
