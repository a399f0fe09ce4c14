package io.flotilla.spi.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Commands this node sends to other nodes' command topics ({@code nodes/{n}/{kind}}), signed as
 * docs/protocol.md has it ("Signed commands") by whoever answers for them: the messages of a
 * migration by this node, with its fleet certificate; the local operator's commands, and only
 * those, with the operator key this node was given ({@code operator.key} of
 * {@code io.flotilla.security.cfg}). Without a key, a command goes unsigned, and a node in
 * {@code signed} mode refuses it.
 */
@ProviderType
public interface FleetCommands {

    /**
     * Sends {@code command} as this node, with {@code request_id} and {@code reply_to} set (inside what
     * is signed): a migration's message signed with the node's certificate, anything else unsigned.
     * Completes with the reply, or exceptionally with a {@link java.util.concurrent.TimeoutException}.
     */
    CompletionStage<Map<String, Object>> request(String node, String kind, Map<String, Object> command, Duration timeout);

    /**
     * {@link #request}, for a command of the node's own operator (its shell, Karaf authenticated),
     * signed with {@code operator.key}. Never for a command that came from the broker: the node would
     * lend its operator's signature to whoever sent it.
     */
    CompletionStage<Map<String, Object>> requestAsOperator(String node, String kind, Map<String, Object> command,
            Duration timeout);

    /** Sends {@code command} as this node, wanting no reply. */
    void send(String node, String kind, Map<String, Object> command);
}
