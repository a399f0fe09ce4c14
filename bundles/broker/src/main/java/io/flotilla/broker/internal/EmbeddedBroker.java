package io.flotilla.broker.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.utils.critical.CriticalAnalyzerPolicy;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own MQTT broker: ActiveMQ Artemis with only an MQTT acceptor, configured here rather
 * than in an artemis.xml. Chosen by measurement over Moquette 0.17, whose Last Will is not kept
 * retained (presence depends on it) and whose store does not survive a crash. It does not start
 * when the node is told to join another broker ({@code joining}), nor when its port is taken.
 */
@Component(immediate = true, configurationPid = BrokerConfig.PID)
@Designate(ocd = BrokerConfig.class)
public final class EmbeddedBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** The references a queue holds before its buffer grows by another chunk of as many. */
    private static final int QUEUE_BUFFER = 128;
    /** How long a pair's backup may take to copy its primary before it says that it has not. */
    private static final Duration PAIR_STEP_WARNING = Duration.ofSeconds(30);

    private final ActiveMQServer server;
    private final RevokedSessions revokedSessions;

    @Activate
    public EmbeddedBroker(BundleContext context, BrokerConfig config,
            @Reference(target = "(component.name=org.apache.activemq.artemis.core.protocol.mqtt.MQTTProtocolManagerFactory)")
            ProtocolManagerFactory<?> mqtt) throws Exception {
        Revocations revocations = !config.tls_keystore().isBlank() && !config.tls_crl().isBlank()
                ? new Revocations(Path.of(config.tls_crl().trim()), Path.of(config.tls_truststore().trim())) : null;
        // The rules see the broker's addresses through the wildcards the broker is configured with
        WildcardConfiguration wildcards = new WildcardConfiguration();
        BrokerPair pair = config.enabled() ? BrokerPair.of(config) : null;
        CertificateSecurity security = new CertificateSecurity(new FleetAcl(config.topic_prefix().trim(), Set.of(config.operators())),
                wildcards, revocations, config.enrollment_port(), pair != null ? pair.port() : 0);
        this.server = start(context, config, mqtt, security, wildcards, pair);
        this.revokedSessions = server != null && revocations != null ? new RevokedSessions(server, revocations, security) : null;
    }

    private static ActiveMQServer start(BundleContext context, BrokerConfig config, ProtocolManagerFactory<?> mqtt,
            CertificateSecurity security, WildcardConfiguration wildcards, BrokerPair pair) throws Exception {
        if (!config.joining().isBlank() && pair == null) {
            LOG.info("No embedded broker: this node joins the broker at {}", config.joining().trim());
            return null;
        }
        if (!config.enabled()) {
            LOG.info("No embedded broker: disabled in {}.cfg", BrokerConfig.PID);
            return null;
        }
        int port = config.port();
        String host = config.host();
        boolean tls = !config.tls_keystore().isBlank();
        if (!tls && !Listeners.loopback(host)) {
            if (!config.insecure()) {
                LOG.error("The embedded broker will not listen on {} without TLS: anyone who reaches the port could command "
                        + "the fleet. Start the node with --identity and --trust (docs/security.md), listen on 127.0.0.1, "
                        + "or set insecure = true in {}.cfg", host, BrokerConfig.PID);
                return null;
            }
            LOG.warn("The embedded broker listens on {}:{} without TLS (insecure = true): anyone who reaches the port "
                    + "commands the fleet", host, port);
        }
        int busy = port;
        String taken = portProblem(host, port);
        if (taken == null && pair != null) {
            busy = pair.port();
            taken = portProblem(host, busy);
        }
        if (taken != null) {
            LOG.error("The embedded broker cannot listen on {}:{}: {}. Another broker may run there; this node "
                    + "will keep trying to join whatever answers on that port. Start the node with --port N for a "
                    + "broker of its own, or with --broker HOST:PORT to join another one", host, busy, taken);
            return null;
        }
        Configuration configuration = configuration(context, config, host, port, tls, pair);
        configuration.setWildCardConfiguration(wildcards);
        ActiveMQServer started = tls ? new ActiveMQServerImpl(configuration, security) : new ActiveMQServerImpl(configuration);
        started.addProtocolManagerFactory(mqtt);
        if (pair != null) {
            started.getServiceRegistry().addIncomingInterceptor(new PairAccountGuard(BrokerPair.ACCOUNT));
            pair.report(started, host, port);
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(EmbeddedBroker.class.getClassLoader());
        try {
            started.start();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        if (pair != null && !pair.primary()) {
            pair.warnUnlessInStep(started, PAIR_STEP_WARNING);
            LOG.info("Embedded MQTT broker is the backup of {} (ha.role = backup): it copies the primary's journal and "
                    + "listens on {}:{} once the primary is gone", pair.peer(), host, port);
            return started;
        }
        LOG.info("Embedded MQTT broker listening on {}:{}{} (persistence {}{})", host, port,
                tls ? " over TLS, for clients with a certificate of the fleet CA" : "", config.persistence() ? "on" : "off",
                config.persistence() && config.sync_writes() ? ", synced writes" : "");
        if (tls && config.enrollment_port() > 0) {
            LOG.info("Pairing requests taken on {}:{} (TLS, no client certificate: pairing topics only)", host,
                    config.enrollment_port());
        }
        return started;
    }

    @Deactivate
    void deactivate() throws Exception {
        if (revokedSessions != null) {
            revokedSessions.close();
        }
        if (server != null) {
            server.stop();
            LOG.info("Embedded MQTT broker stopped");
        }
    }

    private static Configuration configuration(BundleContext context, BrokerConfig config, String host, int port, boolean tls,
            BrokerPair pair) throws Exception {
        Path data = config.data_dir().isBlank()
                ? Path.of(context.getProperty("karaf.data") != null ? context.getProperty("karaf.data") : "data", "flotilla", "broker")
                : Path.of(config.data_dir());
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setName("flotilla");
        configuration.setSecurityEnabled(tls);
        // Artemis would remember a certificate's holder by its subject, across connections: a node revoked
        // after it connected could come straight back. CertificateSecurity remembers per connection instead.
        configuration.setAuthenticationCacheSize(0);
        // Its grants are cached under the user name a client sends, which is none for every client here
        configuration.setAuthorizationCacheSize(0);
        // Artemis' cluster account passes every check; its default password is public. Unpaired, this broker has no
        // cluster; a pair's brokers share one from ha.password.file (BrokerPair).
        configuration.setClusterUser("cluster-" + UUID.randomUUID());
        configuration.setClusterPassword(UUID.randomUUID() + "-" + UUID.randomUUID());
        configuration.setJMXManagementEnabled(false);
        configuration.setPersistenceEnabled(config.persistence());
        configuration.setJournalType(JournalType.NIO);
        configuration.setJournalDatasync(true);
        // The node's sessions are durable, so every QoS 1 message is journaled; waiting for each
        // flush would dominate a round trip. Off by default, see sync.writes. Artemis routes an MQTT
        // publish in a transaction, so the transactional setting is the one that counts.
        configuration.setJournalSyncNonTransactional(config.sync_writes());
        configuration.setJournalSyncTransactional(config.sync_writes());
        // The journal batches writes for up to 3.3 ms by default, and a QoS 1 message to a durable
        // session waits for its batch: 50 µs cut a remote ask through this broker from 2.8 to 0.5 ms.
        configuration.setJournalBufferTimeout_NIO(50_000);
        configuration.setJournalFileSize(1024 * 1024);
        configuration.setJournalMinFiles(2);
        configuration.setJournalDirectory(data.resolve("journal").toString());
        configuration.setBindingsDirectory(data.resolve("bindings").toString());
        configuration.setPagingDirectory(data.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(data.resolve("large-messages").toString());
        configuration.setGlobalMaxSize(config.max_memory_mb() * 1024L * 1024L);
        // A slow disk must not halt the whole node (Artemis' default policy kills the JVM).
        configuration.setCriticalAnalyzerPolicy(CriticalAnalyzerPolicy.LOG);
        Map<String, Object> secured = tls ? BrokerTls.acceptorParameters(config, data) : Map.of();
        configuration.addAcceptorConfiguration(acceptor("mqtt", secured, host, port));
        if (tls && config.enrollment_port() > 0) {
            Map<String, Object> enrollment = new HashMap<>(secured);
            enrollment.put(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME, false);
            // Strangers: small packets, few connections, no session that outlives its connection for long,
            // and no taking over a connected client's id
            enrollment.put("maximumPacketSize", 64 * 1024);
            enrollment.put(TransportConstants.CONNECTIONS_ALLOWED, 64L);
            enrollment.put("defaultMqttSessionExpiryInterval", 60);
            enrollment.put("allowLinkStealing", false);
            configuration.addAcceptorConfiguration(acceptor("enrollment", enrollment, host, config.enrollment_port()));
        }
        if (pair != null) {
            pair.configure(configuration, host, secured);
        }
        // Each MQTT subscription is a queue, and every agent's task topic is one: Artemis starts each
        // queue's buffer at 8,192 references, 32 KiB of heap before it holds a message. It grows by
        // chunks of this size as messages wait.
        configuration.addAddressSetting("#", new AddressSettings()
                .setInitialQueueBufferSize(QUEUE_BUFFER)
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        for (String address : new String[] {"DLQ", "ExpiryQueue"}) {
            configuration.addAddressConfiguration(new CoreAddressConfiguration().setName(address)
                    .addRoutingType(RoutingType.ANYCAST)
                    .addQueueConfiguration(QueueConfiguration.of(address).setRoutingType(RoutingType.ANYCAST)));
        }
        return configuration;
    }

    private static TransportConfiguration acceptor(String name, Map<String, Object> tls, String host, int port) {
        Map<String, Object> acceptor = Listeners.parameters(tls, host, port, "MQTT");
        acceptor.put(TransportConstants.TCP_NODELAY_PROPNAME, true);
        // A publish the rules refuse is dropped, as Mosquitto does; closing the connection would have the
        // node send it again after every reconnect.
        acceptor.put("closeMqttConnectionOnPublishAuthorizationFailure", false);
        return new TransportConfiguration(NettyAcceptorFactory.class.getName(), acceptor, name);
    }

    /** Why {@code host:port} cannot be listened on, or null when it can. */
    private static String portProblem(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
