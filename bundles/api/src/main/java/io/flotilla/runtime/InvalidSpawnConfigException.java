package io.flotilla.runtime;

/** A spawn configuration was refused; {@link #field()} names the field and {@link #reason()} says why. */
public class InvalidSpawnConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public InvalidSpawnConfigException(String field, String reason) {
        super("invalid spawn config: '" + field + "' " + reason);
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
