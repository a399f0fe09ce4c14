package io.flotilla.runtime;

import java.time.Instant;

/**
 * Where a task is.
 *
 * @param id         its id
 * @param agent      the agent it went to
 * @param state      pending, done or failed
 * @param result     the reply, when done
 * @param error      why it failed, when failed
 * @param submitted  when it was sent
 * @param finished   when it ended, or null
 */
public record TaskStatus(String id, String agent, State state, Object result, String error, Instant submitted,
        Instant finished) {

    public enum State { PENDING, DONE, FAILED }
}
