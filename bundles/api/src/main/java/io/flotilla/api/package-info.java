/**
 * The Flotilla agent API: what an agent author compiles against.
 *
 * <p>An agent type is a Declarative Services component registered as {@link io.flotilla.api.Agent}
 * with prototype scope and the {@link io.flotilla.api.AgentType agent.type} property. The node
 * creates one instance per running agent and calls it under its supervisor, one callback at a time.
 *
 * <p>1.1.0: {@code AgentContext.publishResult}, the {@code CRITICAL} severity, and {@code NodeInfo.runner} and
 * {@code AgentInfo.cpuPercent}.
 */
@Export
@Version("1.2.0")
package io.flotilla.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
