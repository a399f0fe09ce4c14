package io.flotilla.runtime;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

import io.flotilla.api.Reply;

/**
 * Messages to agents on other nodes, for the agent manager: what it uses for a name it does not
 * hold. Provided by the fleet connection.
 */
@ProviderType
public interface RemoteMessaging {

    /** Sends without waiting; quietly drops what cannot be delivered. */
    void tell(String sender, String agent, Object payload);

    /**
     * Asks; the stage always completes: with the reply, or with an {@link io.flotilla.api.AskException}
     * (no such agent in the fleet, its node offline, its handler threw, timeout).
     */
    CompletionStage<Reply> ask(String sender, String agent, Object payload, Duration timeout);
}
