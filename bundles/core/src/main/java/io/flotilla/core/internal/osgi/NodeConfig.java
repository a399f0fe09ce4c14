package io.flotilla.core.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.node.cfg}: who this node is and how it runs its agents. */
@ObjectClassDefinition(name = "Flotilla node",
        description = "The node's name, capabilities and agent runtime settings. FLOTILLA_NODE (or AGENTFLOW_NODE) overrides node.name.")
public @interface NodeConfig {

    String PID = "io.flotilla.node";

    @AttributeDefinition(description = "Fleet-unique node name; empty means the host name")
    String node_name() default "";

    @AttributeDefinition(description = "Capabilities this node advertises, comma-separated, besides the detected ones")
    String[] capabilities() default {};

    @AttributeDefinition(description = "Seconds between heartbeats")
    double heartbeat_interval() default 10;

    @AttributeDefinition(description = "Where agent records and state live; empty means ${karaf.data}/flotilla")
    String data_dir() default "";

    @AttributeDefinition(description = "Threads agents run on when none blocks; 0 means one per core")
    int agent_threads() default 0;

    @AttributeDefinition(description = "Most threads the agent pool grows to while agents block")
    int agent_threads_max() default 256;

    @AttributeDefinition(description = "Seconds an agent restored at boot waits for its type to appear")
    double boot_type_wait() default 120;

    @AttributeDefinition(description = "Seconds a stop waits for an agent's running callback to return")
    double stop_timeout() default 10;
}
