package io.flotilla.core.internal.command;

import java.util.List;
import java.util.Set;

import io.flotilla.runtime.SpawnConfig;

/**
 * What the node admits, from {@code etc/io.flotilla.security.cfg}: document sizes, and where code
 * may be installed from. Held by the command gate; the installer reads it from there, so that the
 * policy is written down once.
 *
 * @param spawnMaxBytes   largest spawn document
 * @param commandMaxBytes largest document of any other command, unless its handler says otherwise
 * @param bundleLocations where code may come from: {@code mvn:} prefixes and {@code file:} directories
 * @param features        the features a spawn may install ({@code feature:name})
 * @param bundleMaxBytes  largest bundle read to check its sha256 or to send to another node
 * @param dynamicLanguages the languages of {@code code} this node runs agents from: remote code execution by design
 */
public record SecurityPolicy(int spawnMaxBytes, int commandMaxBytes, List<String> bundleLocations, List<String> features,
        long bundleMaxBytes, Set<String> dynamicLanguages) {

    public SecurityPolicy {
        bundleLocations = List.copyOf(bundleLocations);
        features = List.copyOf(features);
        dynamicLanguages = Set.copyOf(dynamicLanguages);
    }

    /** A policy that runs agents from source in every language the node knows. */
    public SecurityPolicy(int spawnMaxBytes, int commandMaxBytes, List<String> bundleLocations, List<String> features,
            long bundleMaxBytes) {
        this(spawnMaxBytes, commandMaxBytes, bundleLocations, features, bundleMaxBytes, Set.copyOf(SpawnConfig.SOURCE_LANGUAGES));
    }

    /** The allowlist of code locations these settings make. */
    public CodeLocations locations() {
        return new CodeLocations(bundleLocations, features);
    }
}
