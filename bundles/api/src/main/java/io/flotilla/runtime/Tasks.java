package io.flotilla.runtime;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Tasks with ids, as node tools offer them: send a message to an agent by name now, fetch how it
 * ended later. Results are kept for a while (an hour, the latest thousands).
 */
@ProviderType
public interface Tasks {

    /** Sends {@code payload} to {@code agent} and returns the task's id at once. */
    String submit(String agent, Object payload, Duration timeout);

    Optional<TaskStatus> status(String id);
}
