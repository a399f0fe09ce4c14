/**
 * Extending the node's command intake: a bundle that adds a kind of command (the migration bundle's
 * {@code migrate}, {@code migrate_in}, ...) registers a {@link io.flotilla.spi.command.CommandHandler}
 * service; the intake admits each command (size, form, and the security checks to come) before it
 * reaches its handler. Internal to the fleet ({@code x-internal}).
 */
@Export(attribute = "x-internal:=true")
@Version("1.0.0")
package io.flotilla.spi.command;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
