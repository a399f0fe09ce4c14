package io.flotilla.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** One message from an agent's mailbox: a task sent by name, or a message of a subscription. */
@ProviderType
public interface Message {

    /** The payload as sent: a JSON-like value (String, Number, Boolean, Map, List) or null. */
    Object payload();

    /**
     * The payload converted to {@code type}, the same way whether it came from this node or over
     * the network. Throws {@link IllegalArgumentException} when it does not fit.
     */
    <T> T payloadAs(Class<T> type);

    /** The sending agent's name, when an agent sent it. */
    Optional<String> sender();

    /** The MQTT topic, for messages delivered by a subscription. */
    Optional<String> topic();
}
