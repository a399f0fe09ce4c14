package io.flotilla.migration.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.migration.cfg}: how this node moves agents and takes them in. */
@ObjectClassDefinition(name = "Flotilla migration", description = "How this node moves agents and takes them in.")
public @interface MigrationConfig {

    String PID = "io.flotilla.migration";

    @AttributeDefinition(description = "Seconds to wait for the target to confirm that the agent runs there")
    double confirm_timeout() default 30;

    @AttributeDefinition(description = "Seconds to wait for the handoff marker to come back through the broker")
    double cutover_timeout() default 5;

    @AttributeDefinition(description = "Install agent bundles from bytes another node sends, when their location cannot be "
            + "used here; off by default: until commands are signed, a sender's hash proves nothing")
    boolean accept_code() default false;

    @AttributeDefinition(description = "Seconds to wait for those bytes")
    double code_timeout() default 60;

    @AttributeDefinition(description = "Largest migration message accepted, in bytes")
    int max_bytes() default 8 * 1024 * 1024;
}
