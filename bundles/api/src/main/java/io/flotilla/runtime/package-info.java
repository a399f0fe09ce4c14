/**
 * The node's management services: the agent manager, spawn configurations and their validation,
 * agent events. Used by the shell, the fleet connection, deployers and migration; agent authors
 * need only {@code io.flotilla.api}.
 */
@Export
@Version("1.0.0")
package io.flotilla.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
