package io.flotilla.broker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.core.client.ClusterTopologyListener;
import org.apache.activemq.artemis.api.core.client.TopologyMember;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.replication.ReplicationManager;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.cluster.ClusterConnection;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two embedded brokers as one: {@code ha.*} of {@code io.flotilla.broker.cfg}. The primary serves
 * MQTT and copies every journal write to the backup before it acknowledges it (Artemis' replication),
 * so sessions, the commands queued in them and retained messages are on both; the backup listens
 * for MQTT only once the primary is gone. Nodes list both brokers in {@code broker.url} and move.
 * The brokers talk Artemis' core protocol on a port of their own, as one cluster account whose
 * password both read from a file; over TLS when the broker has a certificate, and then only with a
 * certificate of the fleet CA. Every problem is an {@link IllegalArgumentException} naming the
 * setting, never the secret.
 */
final class BrokerPair {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerPair.class);
    /** Fewer characters than this in the secret file is a mistake, not a password. */
    private static final int SHORTEST_SECRET = 16;
    /** The account the pair's brokers sign in to each other with; for them alone (PairAccountGuard). */
    static final String ACCOUNT = "flotilla-pair";
    private static final String SELF = "pair-self";
    private static final String PEER = "pair-peer";
    private static final String CLUSTER = "flotilla-pair";
    private static final long PAIR_CONNECTIONS = 32;

    private final boolean primary;
    private final int port;
    private final String advertised;
    private final String peerHost;
    private final int peerPort;
    private final String secret;

    private BrokerPair(boolean primary, int port, String advertised, String peerHost, int peerPort, String secret) {
        this.primary = primary;
        this.port = port;
        this.advertised = advertised;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.secret = secret;
    }

    /** The pair this broker belongs to, or null when {@code ha.role} is empty: a broker on its own. */
    static BrokerPair of(BrokerConfig config) {
        String role = config.ha_role().trim().toLowerCase(Locale.ROOT);
        if (role.isEmpty()) {
            return null;
        }
        if (!role.equals("primary") && !role.equals("backup")) {
            throw new IllegalArgumentException("ha.role is '" + config.ha_role().trim() + "': primary, backup, or empty");
        }
        if (!config.persistence()) {
            throw new IllegalArgumentException("ha.role needs persistence = true: the pair copies the broker's journal");
        }
        if (config.ha_port() < 1 || config.ha_port() > 65535) {
            throw new IllegalArgumentException("ha.port is " + config.ha_port() + ": the TCP port on which this broker "
                    + "talks to its peer");
        }
        String peer = config.ha_peer().trim();
        int colon = peer.lastIndexOf(':');
        int peerPort = colon > 0 ? port(peer.substring(colon + 1)) : -1;
        if (peerPort < 1) {
            throw new IllegalArgumentException("ha.peer is '" + peer + "': HOST:PORT of the other broker's ha.port");
        }
        String peerHost = peer.substring(0, colon).replaceAll("^\\[|\\]$", "");
        boolean tls = !config.tls_keystore().isBlank();
        if (!tls && !config.insecure() && !Listeners.loopback(peerHost)) {
            throw new IllegalArgumentException("ha.peer " + peer + " is not this machine, and without TLS the pair's secret "
                    + "and every message would cross the network in clear: give the broker its certificate (tls.keystore), "
                    + "or set insecure = true");
        }
        String advertised = config.ha_host().isBlank() ? config.host().trim() : config.ha_host().trim();
        if (Listeners.anyAddress(advertised)) {
            throw new IllegalArgumentException("ha.host is empty and host is " + config.host().trim() + ", which the other "
                    + "broker cannot connect to: set ha.host to the name or address it reaches this one by (with TLS, a "
                    + "name this broker's certificate holds)");
        }
        return new BrokerPair(role.equals("primary"), config.ha_port(), advertised, peerHost, peerPort, secret(config));
    }

    boolean primary() {
        return primary;
    }

    int port() {
        return port;
    }

    String peer() {
        return peerHost + ":" + peerPort;
    }

    /**
     * Adds the pair to a broker's configuration: the port the peer connects to, the cluster
     * connection to the peer, and the replication policy. {@code tls} holds the parameters of the
     * broker's TLS listener, empty without TLS; the link to the peer presents the same certificate.
     */
    void configure(Configuration configuration, String host, Map<String, Object> tls) {
        configuration.setClusterUser(ACCOUNT);
        configuration.setClusterPassword(secret);
        Map<String, Object> acceptor = Listeners.parameters(tls, host, port, "CORE");
        // The peer keeps three or four connections (replication, the cluster link, topology); a stranger gets no more room
        acceptor.put(TransportConstants.CONNECTIONS_ALLOWED, PAIR_CONNECTIONS);
        configuration.addAcceptorConfiguration(new TransportConfiguration(NettyAcceptorFactory.class.getName(), acceptor, "pair"));
        // What this broker tells its peer to connect back to: the address it listens on may be 0.0.0.0
        configuration.addConnectorConfiguration(SELF, connector(advertised, port, tls));
        configuration.addConnectorConfiguration(PEER, connector(peerHost, peerPort, tls));
        configuration.addClusterConfiguration(new ClusterConnectionConfiguration()
                .setName(CLUSTER)
                .setConnectorName(SELF)
                .setStaticConnectors(List.of(PEER))
                // Messages stay where MQTT put them: the peer is a copy, not a second place to consume
                .setMessageLoadBalancingType(MessageLoadBalancingType.OFF)
                .setRetryInterval(500)
                .setMaxRetryInterval(5_000)
                .setRetryIntervalMultiplier(2.0)
                .setReconnectAttempts(-1)
                // A peer that stops answering without closing the connection (a cut cable) is given up after 10 s
                .setClientFailureCheckPeriod(2_000)
                .setConnectionTTL(10_000));
        if (primary) {
            // After a crash the primary asks whether its backup took over, and copies from it before it serves again:
            // a primary that served its old journal at once would lose everything the backup took since
            configuration.setHAPolicyConfiguration(new ReplicatedPolicyConfiguration().setCheckForActiveServer(true)
                    .setClusterName(CLUSTER));
        } else {
            // Once the primary is back and in step, it serves again and this broker becomes its backup once more
            configuration.setHAPolicyConfiguration(new ReplicaPolicyConfiguration().setAllowFailBack(true)
                    .setClusterName(CLUSTER));
        }
    }

    /**
     * Says what the pair does, once: on the primary, when its backup is in step (a backup announces
     * itself once its copy is complete); on the backup, when it takes over and when it stops serving
     * in the primary's place. Artemis itself says so only among its start-up chatter.
     */
    void report(ActiveMQServer server, String host, int mqttPort) {
        AtomicBoolean serving = new AtomicBoolean();
        server.registerActivateCallback(new ActivateCallback() {
            @Override
            public void activationComplete() {
                if (!primary) {
                    serving.set(true);
                    LOG.warn("Embedded MQTT broker took over from its primary {}: it serves MQTT on {}:{} with the "
                            + "primary's sessions and retained messages", peer(), host, mqttPort);
                    return;
                }
                ClusterConnection link = server.getClusterManager().getClusterConnection(CLUSTER);
                if (link != null) {
                    link.addClusterTopologyListener(new BackupWatch(server));
                }
            }

            @Override
            public void deActivate() {
                // Also called when a backup that never served stops: a refused link, or the node stopping
                if (serving.getAndSet(false)) {
                    LOG.info("Embedded MQTT broker stops serving in its primary's place: the primary is back and copies "
                            + "from it first, or this node stops");
                }
            }
        });
    }

    /**
     * On a backup, a warning when it is not in step with its primary a while after it started: a
     * link the primary refuses Artemis reports itself (and stops the broker), but a primary that
     * cannot be reached, or a link that fails before it authenticates, it retries in silence.
     */
    void warnUnlessInStep(ActiveMQServer server, Duration after) {
        server.getScheduledPool().schedule(() -> {
            if (server.isStarted() && !server.isActive() && !server.isReplicaSync()) {
                LOG.warn("Embedded MQTT broker has no copy of its primary {} after {} s: check that the primary runs, "
                        + "that ha.peer names its ha.port, that both brokers read the same secret from ha.password.file, "
                        + "and with TLS that each broker's certificate is of the fleet CA", peer(), after.toSeconds());
            }
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The primary's view of its backup, from the pair's topology. A backup announces itself once
     * its copy is complete, in several events; each backup connection has a replication of its own,
     * so one line per replication. Its loss Artemis reports itself, as a warning (AMQ222092).
     */
    private final class BackupWatch implements ClusterTopologyListener {

        private final ActiveMQServer server;
        private final AtomicReference<ReplicationManager> reported = new AtomicReference<>();

        BackupWatch(ActiveMQServer server) {
            this.server = server;
        }

        @Override
        public void nodeUP(TopologyMember member, boolean last) {
            ReplicationManager replication = server.getReplicationManager();
            TransportConfiguration backup = member.getBackup();
            if (backup != null && server.getNodeID().toString().equals(member.getNodeId())
                    && replication != null && reported.getAndSet(replication) != replication) {
                LOG.info("Embedded MQTT broker's backup {}:{} is in step: it takes over if this broker fails",
                        backup.getParams().get(TransportConstants.HOST_PROP_NAME),
                        backup.getParams().get(TransportConstants.PORT_PROP_NAME));
            }
        }

        @Override
        public void nodeDown(long eventUid, String nodeId) {
            // The peer's departures as a primary; a backup's arrival is a nodeUP of this broker
        }
    }

    private static TransportConfiguration connector(String host, int port, Map<String, Object> tls) {
        Map<String, Object> connector = Listeners.parameters(tls, host, port, "CORE");
        // A listener's own settings, which a connector would reject as unknown
        connector.remove(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME);
        connector.remove(TransportConstants.PROTOCOLS_PROP_NAME);
        return new TransportConfiguration(NettyConnectorFactory.class.getName(), connector);
    }

    private static String secret(BrokerConfig config) {
        String named = config.ha_password_file().trim();
        if (named.isEmpty()) {
            throw new IllegalArgumentException("ha.password.file is empty: name a file holding a secret both brokers of the "
                    + "pair share, readable by their owner alone: (umask 077; head -c 32 /dev/urandom | base64 > pair.secret)");
        }
        Path file = Path.of(named);
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            // Not the path: a secret put where its file belongs would be told to the log
            throw new IllegalArgumentException("ha.password.file names no file that can be read (" + e.getClass().getSimpleName()
                    + "): it names the file that holds the secret, not the secret");
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalArgumentException("ha.password.file " + file + " may be read by other users of this machine, "
                        + "and the secret commands the brokers: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // A file system without POSIX permissions: nothing to check
        }
        if (secret.length() < SHORTEST_SECRET) {
            throw new IllegalArgumentException("ha.password.file " + file + " holds fewer than " + SHORTEST_SECRET
                    + " characters: a secret is 32 random bytes, base64");
        }
        return secret;
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
