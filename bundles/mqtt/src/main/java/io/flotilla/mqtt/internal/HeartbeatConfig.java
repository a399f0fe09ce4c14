package io.flotilla.mqtt.internal;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The heartbeat setting of {@code io.flotilla.node}. */
@ObjectClassDefinition(name = "Flotilla node heartbeat")
@interface HeartbeatConfig {

    /** Seconds between node and agent heartbeats. */
    double heartbeat_interval() default 10;
}
