package io.flotilla.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.mqtt.cfg}: how this node reaches the fleet broker. */
@ObjectClassDefinition(name = "Flotilla MQTT",
        description = "The fleet broker connection. The shipped file takes FLOTILLA_BROKER (or AGENTFLOW_BROKER) for broker.url.")
public @interface MqttConfig {

    String PID = "io.flotilla.mqtt";

    @AttributeDefinition(description = "Broker: host, host:port, tcp://host:port or ssl://host:port; several, comma-separated, "
            + "for a cluster. Empty: the embedded broker on 127.0.0.1")
    String broker_url() default "";

    @AttributeDefinition(description = "Port used when broker.url names none (the shipped file takes FLOTILLA_BROKER_PORT)")
    int broker_port() default 1883;

    @AttributeDefinition(description = "MQTT client id; empty means flotilla-<node name>. Must be stable: the broker keeps "
            + "this node's session (and commands sent while it is away) under it")
    String client_id() default "";

    String username() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Whom ssl:// brokers must prove to be: the fleet CA's certificate as PEM (ca.crt of "
            + "bin/flotilla ca init), or a PKCS12 or JKS trust store; empty: the JDK's trusted CAs")
    String tls_truststore() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password of a PKCS12 or JKS trust store")
    String tls_truststore_password() default "";

    @AttributeDefinition(description = "This node's identity for ssl:// brokers: a PKCS12 (NAME.p12 of bin/flotilla cert issue) "
            + "or JKS key store with its private key and certificate")
    String tls_keystore() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password of tls.keystore; else tls.keystore.password.file, "
            + "else NAME.pass beside NAME.p12")
    String tls_keystore_password() default "";

    @AttributeDefinition(description = "A file holding the password of tls.keystore")
    String tls_keystore_password_file() default "";

    @AttributeDefinition(description = "Seconds between keep-alive pings")
    int keepalive() default 30;

    @AttributeDefinition(description = "Seconds a connection attempt may take")
    int connect_timeout() default 10;

    @AttributeDefinition(description = "Seconds before the first reconnect; doubles up to reconnect.max, with jitter")
    double reconnect_min() default 0.5;

    double reconnect_max() default 30;

    @AttributeDefinition(description = "Prefix of the nodes/ and agents/ topics, e.g. site-a/ (empty: none)")
    String topic_prefix() default "";

    @AttributeDefinition(description = "QoS 1 messages in flight at once")
    int max_inflight() default 10000;

    @AttributeDefinition(description = "Messages kept while disconnected, sent on reconnect; the oldest go first when full")
    int offline_buffer() default 10000;

    @AttributeDefinition(description = "Largest task payload accepted, in bytes (commands: command.max.bytes and "
            + "spawn.max.bytes in io.flotilla.security.cfg)")
    int max_task_bytes() default 262144;

    @AttributeDefinition(description = "Largest message payload the node reads, in bytes, on any topic but those "
            + "of max.transfer.bytes: a larger one is read through and dropped as it arrives, never held in memory, "
            + "and reported on nodes/{n}/errors. At least command.max.bytes and max.task.bytes")
    int max_message_bytes() default 1048576;

    @AttributeDefinition(description = "Largest message payload the node reads on the topics that carry agents and "
            + "code between nodes (its own migrate_in, task_forward and reply), in bytes. At least max.bytes of "
            + "io.flotilla.migration.cfg; a shipped bundle travels in Base64, a third larger than the bundle")
    int max_transfer_bytes() default 8388608;

    @AttributeDefinition(description = "How agents' periodic heartbeats go out: batched, one nodes/{n}/agent_heartbeats "
            + "message per 250 agents per heartbeat interval (agents/{id}/heartbeat on state changes only); "
            + "or each, one agents/{id}/heartbeat per agent per interval as well, as Wactorz runners send")
    String agent_heartbeats() default "batched";
}
