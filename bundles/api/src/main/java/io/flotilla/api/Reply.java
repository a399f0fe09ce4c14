package io.flotilla.api;

import org.osgi.annotation.versioning.ProviderType;

/** The reply to an ask: what the target's {@link Agent#handle} returned. */
@ProviderType
public interface Reply {

    /** The name of the agent that replied. */
    String from();

    /** The reply value: a JSON-like value or null. */
    Object value();

    /** The value converted to {@code type}; throws {@link IllegalArgumentException} when it does not fit. */
    <T> T valueAs(Class<T> type);
}
