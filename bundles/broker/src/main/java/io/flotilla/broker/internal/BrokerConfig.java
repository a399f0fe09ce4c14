package io.flotilla.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
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

    @AttributeDefinition(description = "The broker's certificate, a PKCS12 key store (bin/flotilla cert issue NAME --server "
            + "HOST): with it, the broker speaks TLS only and every client must present a certificate of tls.truststore")
    String tls_keystore() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password of tls.keystore; else "
            + "tls.keystore.password.file, else NAME.pass beside NAME.p12")
    String tls_keystore_password() default "";

    @AttributeDefinition(description = "A file holding the password of tls.keystore")
    String tls_keystore_password_file() default "";

    @AttributeDefinition(description = "The fleet CA (PEM, ca.crt) whose certificates clients must present")
    String tls_truststore() default "";

    @AttributeDefinition(description = "The fleet CA's revocation list (PEM, crl.pem of the CA's directory): a client whose "
            + "certificate it lists is refused, and disconnected when it is listed while connected. Read again when it changes")
    String tls_crl() default "";

    @AttributeDefinition(description = "A second TLS port for pairing (0: none): clients without a certificate may send "
            + "pairing requests there and read the answers, nothing else")
    int enrollment_port() default 0;

    @AttributeDefinition(description = "The operators: certificate CNs that may do anything; nodes get their own topics")
    String[] operators() default {};

    @AttributeDefinition(description = "The fleet's topic prefix (topic.prefix of io.flotilla.mqtt.cfg), for the rules")
    String topic_prefix() default "";

    @AttributeDefinition(description = "Listen beyond loopback without TLS anyway: anyone who reaches the port commands the "
            + "fleet. Logged as a warning at every start")
    boolean insecure() default false;

    @AttributeDefinition(description = "This broker's part in a pair of brokers that replicate each other: primary, backup, "
            + "or empty for a broker on its own. Set, the broker starts even when the node joins a broker list (joining)")
    String ha_role() default "";

    @AttributeDefinition(description = "The port on which the pair's brokers replicate (Artemis' core protocol, cluster "
            + "account only; TLS when tls.keystore is set)")
    int ha_port() default 0;

    @AttributeDefinition(description = "HOST:PORT of the other broker's ha.port")
    String ha_peer() default "";

    @AttributeDefinition(description = "The name or address the other broker reaches this one by (with TLS, a name this "
            + "broker's certificate holds); empty: host, which must then not be 0.0.0.0")
    String ha_host() default "";

    @AttributeDefinition(description = "A file holding the secret both brokers of the pair share (16 characters or more)")
    String ha_password_file() default "";
}
