/**
 * Contracts between Flotilla's own bundles for reaching the fleet: the node's broker link, request
 * and reply, the topic layout of the protocol, and the port through which the agent manager's agents
 * reach other nodes. Internal to the fleet ({@code x-internal}): not for operators' code, which uses
 * {@code io.flotilla.runtime}; it changes with the bundles that implement it.
 */
@Export(attribute = "x-internal:=true")
@Version("1.3.0")
package io.flotilla.spi.fleet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
