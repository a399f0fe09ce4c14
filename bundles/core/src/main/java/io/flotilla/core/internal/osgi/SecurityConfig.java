package io.flotilla.core.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.security.cfg}: what a spawn may install, and size limits. */
@ObjectClassDefinition(name = "Flotilla security",
        description = "Which locations spawns may install code from, and how large documents and bundles may be.")
public @interface SecurityConfig {

    String PID = "io.flotilla.security";

    @AttributeDefinition(description = "Location prefixes a spawn may install from, comma-separated, e.g. mvn:io.flotilla/ or file:/opt/agents/")
    String[] bundle_locations() default {"mvn:", "file:", "feature:"};

    @AttributeDefinition(description = "Largest spawn document accepted, in bytes")
    int spawn_max_bytes() default 64 * 1024;

    @AttributeDefinition(description = "Largest bundle downloaded for a sha256 check, in bytes")
    long bundle_max_bytes() default 64L * 1024 * 1024;
}
