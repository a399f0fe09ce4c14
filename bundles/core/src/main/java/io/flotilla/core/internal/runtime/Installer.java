package io.flotilla.core.internal.runtime;

import java.util.Optional;

import java.util.concurrent.CompletionStage;

import io.flotilla.runtime.SpawnConfig;

/** Installs the code a spawn config names ({@code bundle}, {@code install}) so that its type can appear. */
public interface Installer {

    /**
     * Installs and starts everything the config names, skipping what is already there. Completes
     * when done, or exceptionally with the resolver's or installer's message.
     */
    CompletionStage<Void> install(SpawnConfig config);

    /**
     * Why the node's security policy, as it is now, would refuse {@code config}'s code: source in a
     * language it no longer runs. Asked of agents restored at start, which came in under an older policy.
     */
    default Optional<String> codeRefusal(SpawnConfig config) {
        return Optional.empty();
    }

    /** For nodes without a framework to install into, such as the launcher's self-test. */
    Installer NONE = config -> java.util.concurrent.CompletableFuture.failedFuture(
            new IllegalStateException("this node cannot install bundles"));
}
