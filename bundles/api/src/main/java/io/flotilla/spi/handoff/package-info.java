/**
 * Contracts between Flotilla's own bundles for moving an agent between nodes: the agent manager's
 * part (pause, snapshot, adopt, release), the task stream's handoff, and the code of agent types.
 * Internal to the fleet ({@code x-internal}): changes here concern only the migration, core and MQTT
 * bundles, never what the shell imports.
 */
@Export(attribute = "x-internal:=true")
@Version("1.0.0")
package io.flotilla.spi.handoff;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
