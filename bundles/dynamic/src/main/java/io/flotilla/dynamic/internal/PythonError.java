package io.flotilla.dynamic.internal;

/** An exception the agent's Python code raised, as the shim reported it, with its traceback. */
final class PythonError extends Exception {

    private static final long serialVersionUID = 1L;

    private final String traceback;

    PythonError(String error, String traceback) {
        super(error, null, false, false); // the Java stack says nothing about Python code
        this.traceback = traceback;
    }

    String traceback() {
        return traceback;
    }
}
