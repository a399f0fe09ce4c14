package io.flotilla.runtime;

/**
 * A command was refused before it ran: {@link #field()} names the field to blame ({@code document}
 * for the whole) and {@link #reason()} says why.
 */
public class InvalidCommandException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public InvalidCommandException(String field, String reason) {
        this("invalid command: '" + field + "' " + reason, field, reason);
    }

    protected InvalidCommandException(String message, String field, String reason) {
        super(message);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
