package io.flotilla.runtime;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Moves agents between nodes with their configuration and persisted state. The agent runs on exactly
 * one node throughout: if the move fails, it goes on where it was.
 */
@ProviderType
public interface Migrations {

    /**
     * Moves {@code agent} (on this node, or on the node the fleet registry says holds it) to
     * {@code targetNode}. Always completes, with a result that says how it ended; waits at most
     * {@code timeout} for an agent on another node.
     */
    CompletionStage<MigrationResult> migrate(String agent, String targetNode, Duration timeout);
}
