package io.flotilla.dynamic.internal;

/**
 * The python3 child of an agent is gone. An {@link Error}, because the agent API makes an error from
 * a callback crash the agent at once: a dead interpreter will not answer the next call either, and
 * the supervisor's restart starts a new one.
 */
final class PythonExited extends Error {

    private static final long serialVersionUID = 1L;

    PythonExited(String agent, String how) {
        super("the python3 child of agent " + agent + " " + how);
    }
}
