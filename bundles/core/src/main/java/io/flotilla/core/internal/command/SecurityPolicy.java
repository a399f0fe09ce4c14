package io.flotilla.core.internal.command;

import java.util.List;

/**
 * What the node admits, from {@code etc/io.flotilla.security.cfg}: document sizes, and where code
 * may be installed from. Held by the command gate; the installer reads it from there, so that the
 * policy is written down once.
 *
 * @param spawnMaxBytes   largest spawn document
 * @param commandMaxBytes largest document of any other command, unless its handler says otherwise
 * @param bundleLocations location prefixes a spawn may install code from
 * @param bundleMaxBytes  largest bundle read to check its sha256 or to send to another node
 */
public record SecurityPolicy(int spawnMaxBytes, int commandMaxBytes, List<String> bundleLocations, long bundleMaxBytes) {

    public SecurityPolicy {
        bundleLocations = List.copyOf(bundleLocations);
    }
}
