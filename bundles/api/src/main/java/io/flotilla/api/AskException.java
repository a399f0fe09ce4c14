package io.flotilla.api;

/** How an ask ended when it did not end with a reply. */
public class AskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why there is no reply. */
    public enum Reason {
        /** No agent of that name runs on this node or any known node. */
        NO_SUCH_AGENT,
        /** The agent exists but cannot take messages (stopped, failed). */
        NOT_RUNNING,
        /** The target's handler threw; the message says what. */
        HANDLER_FAILED,
        /** No reply came within the timeout. */
        TIMEOUT,
        /** The message could not be sent (no fleet connection, payload not serialisable). */
        UNDELIVERABLE
    }

    private final Reason reason;
    private final String agent;

    public AskException(Reason reason, String agent, String message) {
        super(message);
        this.reason = reason;
        this.agent = agent;
    }

    public Reason reason() {
        return reason;
    }

    /** The agent the ask was addressed to. */
    public String agent() {
        return agent;
    }
}
