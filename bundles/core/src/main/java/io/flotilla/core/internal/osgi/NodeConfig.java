package io.flotilla.core.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code etc/io.flotilla.node.cfg}: who this node is and what it advertises. The file takes the
 * launcher's environment through Karaf's {@code ${env:NAME:-default}} placeholders, so that
 * {@code config:list} shows what is in effect.
 */
@ObjectClassDefinition(name = "Flotilla node", description = "The node's name, capabilities, heartbeat interval and data directory.")
public @interface NodeConfig {

    String PID = "io.flotilla.node";

    @AttributeDefinition(description = "Fleet-unique node name; empty means the host name. The shipped file takes FLOTILLA_NODE, "
            + "then AGENTFLOW_NODE")
    String node_name() default "";

    @AttributeDefinition(description = "Capabilities this node advertises, comma-separated, besides the detected ones")
    String[] capabilities() default {};

    @AttributeDefinition(description = "More capabilities, comma-separated: the shipped file takes FLOTILLA_CAPABILITIES "
            + "(bin/flotilla --capabilities)")
    String[] extra_capabilities() default {};

    @AttributeDefinition(description = "Seconds between heartbeats, which the node advertises in each: 1 to 600")
    double heartbeat_interval() default 10;

    @AttributeDefinition(description = "Where agent records and state live; empty means ${karaf.data}/flotilla")
    String data_dir() default "";
}
