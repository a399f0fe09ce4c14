/**
 * The node's management API, for the shell, operators' code and tools: the agent manager, the one
 * command intake ({@link io.flotilla.runtime.Commands}), spawn configurations, agent events, the
 * fleet registry, fleet-wide control, migrations and tasks. Agent authors need only
 * {@code io.flotilla.api}; the contracts between Flotilla's own bundles are in {@code io.flotilla.spi.*}.
 *
 * <p>2.0.0: the plumbing between bundles moved to {@code io.flotilla.spi.*} and the helpers to a
 * private package of each implementation bundle. 2.2.0: {@code AgentEvent} has {@code fields} and
 * results.
 */
@Export
@Version("2.4.0")
package io.flotilla.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
