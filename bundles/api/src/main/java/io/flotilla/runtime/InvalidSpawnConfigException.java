package io.flotilla.runtime;

/** A spawn configuration was refused; {@link #field()} names the field and {@link #reason()} says why. */
public class InvalidSpawnConfigException extends InvalidCommandException {

    private static final long serialVersionUID = 1L;

    public InvalidSpawnConfigException(String field, String reason) {
        super("invalid spawn config: '" + field + "' " + reason, field, reason);
    }
}
