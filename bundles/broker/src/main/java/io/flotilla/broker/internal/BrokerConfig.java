package io.flotilla.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.broker.cfg}: the broker a node hosts for the single-machine default. */
@ObjectClassDefinition(name = "Flotilla embedded broker",
        description = "An MQTT broker inside this node. It stays off when the node joins another broker.")
public @interface BrokerConfig {

    String PID = "io.flotilla.broker";

    @AttributeDefinition(description = "Whether this node hosts a broker when it is not told to join one")
    boolean enabled() default true;

    @AttributeDefinition(description = "The broker this node joins instead; when set, the embedded broker stays off. "
            + "The shipped file takes FLOTILLA_BROKER, then AGENTFLOW_BROKER")
    String joining() default "";

    @AttributeDefinition(description = "Address to listen on: 127.0.0.1 for this machine only, 0.0.0.0 for a LAN fleet")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "MQTT port; the shipped file takes FLOTILLA_BROKER_PORT (bin/flotilla --port)")
    int port() default 1883;

    @AttributeDefinition(description = "Keep sessions and retained messages on disk across restarts")
    boolean persistence() default true;

    @AttributeDefinition(description = "Wait for the disk on every message: survives power loss, costs milliseconds "
            + "per message; off, messages still reach the disk through the OS and survive a crash of the node")
    boolean sync_writes() default false;

    @AttributeDefinition(description = "Where the broker keeps them; empty means ${karaf.data}/flotilla/broker")
    String data_dir() default "";

    @AttributeDefinition(description = "Memory for messages in flight before the broker pages to disk, in MB")
    int max_memory_mb() default 32;
}
