package io.flotilla.core.internal.runtime;

/** Calls into agent code, whose failures are its supervisor's business whatever they are. */
final class Callbacks {

    /** A call into the agent. */
    @FunctionalInterface
    interface Callback {
        void call() throws Exception;
    }

    private Callbacks() {
    }

    /** Runs agent code; returns what it threw, or null. */
    static Throwable call(Callback callback) {
        try {
            callback.call();
            return null;
        } catch (Throwable t) { // the agent's failure is its supervisor's business, whatever it is
            return t;
        }
    }
}
