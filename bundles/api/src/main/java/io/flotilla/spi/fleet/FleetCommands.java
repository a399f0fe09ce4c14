package io.flotilla.spi.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Commands this node sends to other nodes' command topics ({@code nodes/{n}/{kind}}), signed as
 * docs/protocol.md has it ("Signed commands") by whoever answers for them: the messages of a
 * migration by this node, with its fleet certificate; the rest by the operator key this node was
 * given ({@code operator.key} of {@code io.flotilla.security.cfg}). Without the key, a command goes
 * unsigned, and a node in {@code signed} mode refuses it.
 */
@ProviderType
public interface FleetCommands {

    /**
     * Sends {@code command} with {@code request_id} and {@code reply_to} set (inside what is signed);
     * completes with the reply, or exceptionally with a {@link java.util.concurrent.TimeoutException}.
     */
    CompletionStage<Map<String, Object>> request(String node, String kind, Map<String, Object> command, Duration timeout);

    /** Sends {@code command}, wanting no reply. */
    void send(String node, String kind, Map<String, Object> command);
}
