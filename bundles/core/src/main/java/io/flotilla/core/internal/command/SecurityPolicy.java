package io.flotilla.core.internal.command;

import java.util.List;

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
 */
public record SecurityPolicy(int spawnMaxBytes, int commandMaxBytes, List<String> bundleLocations, List<String> features,
        long bundleMaxBytes) {

    public SecurityPolicy {
        bundleLocations = List.copyOf(bundleLocations);
        features = List.copyOf(features);
    }

    /** The allowlist of code locations these settings make. */
    public CodeLocations locations() {
        return new CodeLocations(bundleLocations, features);
    }
}
