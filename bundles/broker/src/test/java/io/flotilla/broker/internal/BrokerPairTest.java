package io.flotilla.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.mqtt.testing.Configs;

/** What {@code ha.*} of {@code io.flotilla.broker.cfg} makes of the embedded broker, and what it refuses. */
class BrokerPairTest {

    private static final String SECRET = "a secret both hubs of the pair hold";

    @TempDir
    Path directory;

    private BrokerConfig config(Map<String, String> settings) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("ha.role", "primary", "ha.port", "1884", "ha.peer", "hub-b:1884",
                "ha.password.file", ownerOnly(directory.resolve("pair.secret"), SECRET + "\n").toString(),
                "tls.keystore", "/etc/flotilla/hub-a.p12"));
        all.putAll(settings);
        return Configs.fromProperties(BrokerConfig.class, all);
    }

    private static Path ownerOnly(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aBrokerWithoutARoleIsOnItsOwn() throws IOException {
        assertNull(BrokerPair.of(config(Map.of("ha.role", ""))));
    }

    @Test
    void aPrimaryReplicatesToItsPeerOnAPortOfItsOwnAsTheClusterAccount() throws IOException {
        ConfigurationImpl configuration = new ConfigurationImpl();
        BrokerPair.of(config(Map.of("ha.host", "hub-a"))).configure(configuration, "0.0.0.0", Map.of());

        TransportConfiguration acceptor = configuration.getAcceptorConfigurations().iterator().next();
        assertEquals(1884, acceptor.getParams().get(TransportConstants.PORT_PROP_NAME));
        assertEquals("CORE", acceptor.getParams().get(TransportConstants.PROTOCOLS_PROP_NAME));
        ClusterConnectionConfiguration link = configuration.getClusterConfigurations().get(0);
        TransportConfiguration peer = configuration.getConnectorConfigurations().get(link.getStaticConnectors().get(0));
        assertEquals(Map.of("host", "hub-b", "port", 1884), Map.of("host", peer.getParams().get(TransportConstants.HOST_PROP_NAME),
                "port", peer.getParams().get(TransportConstants.PORT_PROP_NAME)));
        TransportConfiguration self = configuration.getConnectorConfigurations().get(link.getConnectorName());
        assertEquals("hub-a", self.getParams().get(TransportConstants.HOST_PROP_NAME), "what the peer connects back to");
        assertEquals(SECRET, configuration.getClusterPassword());
        ReplicatedPolicyConfiguration policy = assertInstanceOf(ReplicatedPolicyConfiguration.class,
                configuration.getHAPolicyConfiguration());
        assertTrue(policy.isCheckForActiveServer(), "a restarted primary must copy from a backup that took over");
    }

    @Test
    void aBackupHandsBackToItsPrimary() throws IOException {
        ConfigurationImpl configuration = new ConfigurationImpl();
        BrokerPair.of(config(Map.of("ha.role", "backup"))).configure(configuration, "127.0.0.1", Map.of());

        assertTrue(assertInstanceOf(ReplicaPolicyConfiguration.class, configuration.getHAPolicyConfiguration()).isAllowFailBack());
    }

    @Test
    void overTlsTheLinkToThePeerPresentsTheBrokersCertificate() throws IOException {
        ConfigurationImpl configuration = new ConfigurationImpl();
        Map<String, Object> tls = Map.of(TransportConstants.SSL_ENABLED_PROP_NAME, true,
                TransportConstants.KEYSTORE_PATH_PROP_NAME, "/etc/hub-a.p12", TransportConstants.NEED_CLIENT_AUTH_PROP_NAME, true);
        BrokerPair.of(config(Map.of("ha.host", "hub-a"))).configure(configuration, "0.0.0.0", tls);

        TransportConfiguration acceptor = configuration.getAcceptorConfigurations().iterator().next();
        assertEquals(true, acceptor.getParams().get(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME));
        for (TransportConfiguration connector : configuration.getConnectorConfigurations().values()) {
            assertEquals("/etc/hub-a.p12", connector.getParams().get(TransportConstants.KEYSTORE_PATH_PROP_NAME));
            assertFalse(connector.getParams().containsKey(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME));
        }
    }

    @Test
    void mistakesAreRefusedWithTheSettingThatHasThem() throws IOException {
        Map<Map<String, String>, String> mistakes = Map.of(
                Map.of("ha.role", "leader"), "ha.role is 'leader'",
                Map.of("persistence", "false"), "ha.role needs persistence = true",
                Map.of("ha.port", "0"), "ha.port is 0",
                Map.of("ha.peer", "hub-b"), "ha.peer is 'hub-b'",
                Map.of("ha.password.file", ""), "ha.password.file is empty",
                Map.of("ha.password.file", directory.resolve("missing").toString()), "names no file that can be read",
                Map.of("host", "0.0.0.0"), "set ha.host to the name or address",
                Map.of("tls.keystore", ""), "without TLS the pair's secret");
        for (Map.Entry<Map<String, String>, String> mistake : mistakes.entrySet()) {
            BrokerConfig config = config(mistake.getKey());
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> BrokerPair.of(config));
            assertTrue(refused.getMessage().contains(mistake.getValue()), mistake.getKey() + ": " + refused.getMessage());
        }
    }

    @Test
    void aSecretIsNeverSaid() throws IOException {
        String shortSecret = "hunter2";
        Path file = ownerOnly(directory.resolve("short.secret"), shortSecret);
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> BrokerPair.of(config(Map.of("ha.password.file", file.toString()))));
        assertTrue(tooShort.getMessage().contains("fewer than 16 characters"), tooShort.getMessage());
        assertFalse(tooShort.getMessage().contains(shortSecret), tooShort.getMessage());

        // The secret itself where its file belongs
        IllegalArgumentException misplaced = assertThrows(IllegalArgumentException.class,
                () -> BrokerPair.of(config(Map.of("ha.password.file", SECRET))));
        assertFalse(misplaced.getMessage().contains(SECRET), misplaced.getMessage());
    }

    @Test
    void aSecretOthersMayReadIsRefused() throws IOException {
        Path file = directory.resolve("pair.secret");
        BrokerConfig config = config(Map.of());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> BrokerPair.of(config));
        assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
    }

    @Test
    void withoutTlsThePeerMustBeThisMachineUnlessInsecure() throws IOException {
        assertTrue(BrokerPair.of(config(Map.of("tls.keystore", "", "ha.peer", "127.0.0.1:1885"))).primary());
        assertTrue(BrokerPair.of(config(Map.of("tls.keystore", "", "insecure", "true"))).primary());
    }
}
