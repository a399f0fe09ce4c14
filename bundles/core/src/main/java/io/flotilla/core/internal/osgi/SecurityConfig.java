package io.flotilla.core.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.security.cfg}: what the command intake admits, and where code may come from. */
@ObjectClassDefinition(name = "Flotilla security",
        description = "Which locations spawns may install code from, and how large commands and bundles may be.")
public @interface SecurityConfig {

    String PID = "io.flotilla.security";

    @AttributeDefinition(description = "Location prefixes a spawn may install from, comma-separated, e.g. mvn:io.flotilla/ or file:/opt/agents/")
    String[] bundle_locations() default {"mvn:", "file:", "feature:"};

    @AttributeDefinition(description = "Largest spawn document accepted, in bytes")
    int spawn_max_bytes() default 64 * 1024;

    @AttributeDefinition(description = "Largest document of any other command accepted, in bytes (a migration's: max.bytes "
            + "in io.flotilla.migration.cfg)")
    int command_max_bytes() default 256 * 1024;

    @AttributeDefinition(description = "Largest bundle read to check a sha256 pin or to send to another node, in bytes")
    long bundle_max_bytes() default 64L * 1024 * 1024;
}
