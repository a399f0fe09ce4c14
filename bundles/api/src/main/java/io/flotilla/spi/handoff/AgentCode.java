package io.flotilla.spi.handoff;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The code of agent types on this node: where the bundle of a type came from and its bytes (for a
 * node that lacks it), and installing a bundle from a location or from bytes another node sent.
 */
@ProviderType
public interface AgentCode {

    /** Where the bundle providing {@code type} here was installed from, if a bundle provides it. */
    Optional<CodeSource> sourceOf(String type);

    /** The bytes of that bundle, read from its location, with their sha256 checked against {@code source}. */
    byte[] read(CodeSource source) throws IOException;

    /**
     * Installs and starts the bundle at {@code location} (within the node's allowed locations), its
     * bytes checked against {@code sha256} when given. Completes when it is started.
     */
    CompletionStage<Void> install(String location, String sha256);

    /**
     * Installs and starts a bundle from {@code bytes}, under {@code location}, after checking that
     * they hash to {@code sha256}.
     */
    CompletionStage<Void> install(String location, byte[] bytes, String sha256);

    /**
     * A bundle that provides agent types.
     *
     * @param location     its location, e.g. {@code mvn:com.example/agents/1.2.0}
     * @param symbolicName its {@code Bundle-SymbolicName}
     * @param version      its version
     * @param sha256       hex sha256 of its bytes at {@code location}, or null when unknown
     * @param size         their length in bytes, or -1 when unknown
     */
    record CodeSource(String location, String symbolicName, String version, String sha256, long size) {
    }
}
