package io.flotilla.registry.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.registry.cfg}: how this node judges the rest of the fleet. */
@ObjectClassDefinition(name = "Flotilla fleet registry")
public @interface RegistryConfig {

    String PID = "io.flotilla.registry";

    @AttributeDefinition(description = "Seconds a node may stay offline before it is forgotten (default a day)")
    double node_expiry() default 86_400;

    @AttributeDefinition(description = "Heartbeats a node may miss before it counts as offline")
    int missed_heartbeats() default 3;

    @AttributeDefinition(description = "Seconds between checks for missed heartbeats and expired nodes")
    double check_interval() default 0.5;

    @AttributeDefinition(description = "Most nodes the registry holds; a new node takes the place of the one offline "
            + "the longest, and is refused when all are online")
    int max_nodes() default 16_384;
}
