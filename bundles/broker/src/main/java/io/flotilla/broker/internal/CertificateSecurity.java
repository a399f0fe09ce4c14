package io.flotilla.broker.internal;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTUtil;
import org.apache.activemq.artemis.core.remoting.CertificateUtil;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a client of the embedded broker is, and what it may do: the client is the CN of the
 * certificate its TLS connection presented (the acceptor demands one from the fleet CA), never a
 * user name or password it sends; what it may do is {@link FleetAcl}'s rules, the same as the
 * Mosquitto ACL the assembly ships. A refused subscription is a SUBACK of 0x80, a refused publish
 * is dropped.
 */
final class CertificateSecurity implements ActiveMQSecurityManager5 {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateSecurity.class);
    private static final int RECENT_CONNECTIONS = 4096;

    private final FleetAcl acl;
    private final WildcardConfiguration wildcards;
    private final Revocations revocations;
    private final boolean enrollment;
    /**
     * Who each recent connection was. A Last Will is sent after its connection is torn down, when
     * the certificate may no longer be read from it (or was just revoked), and Artemis asks who
     * sends it again: the answer is the name the connection had, so that a node's will (its
     * offline status) passes the rules it passed while connected. A new connection is always
     * checked afresh.
     */
    private final Map<Object, Subject> recent = Collections.synchronizedMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Subject> eldest) {
            return size() > RECENT_CONNECTIONS;
        }
    });

    /**
     * @param wildcards   the broker's wildcard configuration (the very one it is configured with), to turn its addresses back into MQTT topics
     * @param revocations the fleet CA's revocation list, or null when none is honoured
     * @param enrollment  whether the broker has an enrollment listener: the only one that admits a
     *                    client without a certificate, as an {@link FleetAcl#ENROLLEE}
     */
    CertificateSecurity(FleetAcl acl, WildcardConfiguration wildcards, Revocations revocations, boolean enrollment) {
        this.acl = acl;
        this.wildcards = wildcards;
        this.revocations = revocations;
        this.enrollment = enrollment;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        Subject known = connection == null ? null : recent.get(connection.getID());
        if (known != null) {
            return known; // asked again about a connection it let in, such as for its will after a revocation dropped it
        }
        X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
        if (chain == null || chain.length == 0) {
            if (enrollment && connection != null) {
                return remember(connection, FleetAcl.ENROLLEE); // the member listener demands a certificate: this is the other
            }
            LOG.warn("Refused a client of the embedded broker from {}: it presented no certificate",
                    connection == null ? "nowhere" : connection.getRemoteAddress());
            return null;
        }
        if (isRevoked(chain[0])) {
            LOG.warn("Refused {} from {}: its certificate {} is revoked (tls.crl)", chain[0].getSubjectX500Principal(),
                    connection.getRemoteAddress(), chain[0].getSerialNumber().toString(16));
            return null;
        }
        String name = commonName(chain[0]);
        if (name == null || name.equals(FleetAcl.ENROLLEE)) {
            LOG.warn("Refused a client of the embedded broker: its certificate {} names no CN",
                    chain[0].getSubjectX500Principal());
            return null;
        }
        return remember(connection, name);
    }

    /** Whether the fleet CA revoked {@code certificate} (never, when no revocation list is honoured). */
    boolean isRevoked(X509Certificate certificate) {
        return revocations != null && revocations.revoked(certificate);
    }

    private Subject remember(RemotingConnection connection, String name) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        recent.put(connection.getID(), subject);
        return subject;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String checked) {
        // A subscription's queue is checked by its fully qualified name, ADDRESS::QUEUE: the address is what the rules are about
        int queue = checked.indexOf("::");
        String address = queue < 0 ? checked : checked.substring(0, queue);
        String name = subject == null ? null : getUserFromSubject(subject);
        if (name == null) {
            return false;
        }
        FleetAcl.Access access = switch (checkType) {
            case SEND -> FleetAcl.Access.WRITE;
            case CONSUME, BROWSE, CREATE_DURABLE_QUEUE, CREATE_NON_DURABLE_QUEUE, DELETE_DURABLE_QUEUE,
                    DELETE_NON_DURABLE_QUEUE -> FleetAcl.Access.READ;
            case CREATE_ADDRESS -> null; // made by a publish or a subscription, each checked for itself
            default -> FleetAcl.Access.NONE;
        };
        if (access == null) {
            return true;
        }
        if (address.startsWith("$sys.mqtt.")) {
            // The MQTT sessions' own store, and the retained messages of a topic (checked as the topic)
            return !address.startsWith(MQTTUtil.MQTT_RETAIN_ADDRESS_PREFIX)
                    || acl.allows(name, access, MQTTUtil.getMqttTopicFromCoreAddress(address, wildcards));
        }
        boolean allowed = acl.allows(name, access, MQTTUtil.getMqttTopicFromCoreAddress(address, wildcards));
        if (!allowed) {
            LOG.debug("Refused {} of {} on {}", checkType, name, address);
        }
        return allowed;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return false; // only certificates let a client in
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return false;
    }

    private static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
