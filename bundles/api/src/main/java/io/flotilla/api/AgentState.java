package io.flotilla.api;

import java.util.Locale;

/** Where an agent is in its life. On the wire it is the lower-case name. */
public enum AgentState {
    /** Installing its bundle, waiting for its type, or inside {@code setup()}. */
    STARTING,
    /** Set up and taking messages. */
    RUNNING,
    /** Crashed; waiting out its back-off before the next start. Messages wait in the mailbox. */
    RESTARTING,
    /** Its type went away (bundle updated or stopped); resumes when the type returns. */
    WAITING,
    /** Held still for a migration; messages wait in the mailbox. */
    PAUSED,
    /** Stopped deliberately or finished cleanly. */
    STOPPED,
    /** Gave up: setup failed, the type could not be resolved, or the restart budget ran out. */
    FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the agent has ended and will not run again without a new start. */
    public boolean isTerminal() {
        return this == STOPPED || this == FAILED;
    }
}
