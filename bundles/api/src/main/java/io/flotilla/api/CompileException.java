package io.flotilla.api;

import java.util.List;

/**
 * The agent's source code does not compile. Thrown from {@link Agent#setup}, it fails the agent at
 * once, with no retry, as an error of phase {@code compile} whose {@code diagnostics} list what the
 * compiler said, each with its line and column: code that does not compile will not on a restart.
 *
 * @since 1.2.0
 */
public class CompileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> diagnostics;

    /** @param diagnostics the compiler's messages, each as {@code line L, column C: message} */
    public CompileException(String message, List<String> diagnostics) {
        super(message);
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<String> diagnostics() {
        return diagnostics;
    }
}
