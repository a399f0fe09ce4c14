package io.flotilla.broker.internal;

import java.security.cert.X509Certificate;
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
 * is dropped. A client of the enrollment listener, which presents no certificate, is an
 * {@link FleetAcl#ENROLLEE}.
 * <p>
 * Each name is bound to the connection it was found on ({@link RemotingConnection#setSubject}):
 * Artemis asks again who a client is when it sends the client's Last Will, after the connection is
 * gone, and the answer must be the one the connection had. Beyond the topic rules, a node may take
 * no client id but its own ({@code flotilla-NAME}) and consume from no queue but its own: another
 * client's id would disconnect that client, and another's queue ({@code $share/ID/...}) would take
 * its messages.
 */
final class CertificateSecurity implements ActiveMQSecurityManager5 {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateSecurity.class);
    static final String NODE_CLIENT_PREFIX = "flotilla-";
    static final String ENROLLEE_CLIENT_PREFIX = "pairing-";

    private final FleetAcl acl;
    private final WildcardConfiguration wildcards;
    private final Revocations revocations;
    private final int enrollmentPort;
    private final int pairPort;

    /**
     * @param wildcards      the broker's wildcard configuration (the very one it is configured with), to turn its
     *                       addresses back into MQTT topics
     * @param revocations    the fleet CA's revocation list, or null when none is honoured
     * @param enrollmentPort the port of the enrollment listener, the only one that admits a client without a
     *                       certificate; 0 for none
     * @param pairPort       the port on which a broker pair replicates ({@code ha.port}), where only the pair's
     *                       account is let in (by Artemis, before this); 0 for none
     */
    CertificateSecurity(FleetAcl acl, WildcardConfiguration wildcards, Revocations revocations, int enrollmentPort,
            int pairPort) {
        this.acl = acl;
        this.wildcards = wildcards;
        this.revocations = revocations;
        this.enrollmentPort = enrollmentPort;
        this.pairPort = pairPort;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (connection == null) {
            return null;
        }
        if (connection.getSubject() != null) {
            return connection.getSubject(); // asked again about a connection it let in, such as for its will
        }
        if (user != null || password != null) {
            LOG.warn("Refused a client from {}: it sent a user name or password, and this broker knows clients by their "
                    + "certificates alone", connection.getRemoteAddress());
            return null;
        }
        int listener = localPort(connection);
        if (pairPort > 0 && listener == pairPort) {
            // The other broker of the pair signs in as the cluster account, which Artemis admits before asking here
            LOG.warn("Refused a client of the pair's port from {}: only the other broker of the pair may connect there",
                    connection.getRemoteAddress());
            return null;
        }
        String clientId = connection.getClientID();
        if (enrollmentPort > 0 && listener == enrollmentPort) {
            if (clientId != null && !clientId.startsWith(ENROLLEE_CLIENT_PREFIX)) {
                LOG.warn("Refused a client of the enrollment listener from {}: its client id does not start with {}",
                        connection.getRemoteAddress(), ENROLLEE_CLIENT_PREFIX);
                return null;
            }
            return bind(connection, FleetAcl.ENROLLEE);
        }
        X509Certificate[] chain = CertificateUtil.getCertsFromConnection(connection);
        if (chain == null || chain.length == 0) {
            LOG.warn("Refused a client of the embedded broker from {}: it presented no certificate", connection.getRemoteAddress());
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
        if (clientId != null && clientId.startsWith(NODE_CLIENT_PREFIX) && !clientId.equals(NODE_CLIENT_PREFIX + name)) {
            LOG.warn("Refused {} from {}: it asked for the client id of another node", name, connection.getRemoteAddress());
            return null;
        }
        return bind(connection, name);
    }

    /** Whether the fleet CA revoked {@code certificate} (never, when no revocation list is honoured). */
    boolean isRevoked(X509Certificate certificate) {
        return revocations != null && revocations.revoked(certificate);
    }

    private static Subject bind(RemotingConnection connection, String name) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        connection.setSubject(subject);
        return subject;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String checked) {
        String name = subject == null ? null : getUserFromSubject(subject);
        if (name == null) {
            return false;
        }
        if (acl.isOperator(name)) {
            return true;
        }
        // A subscription's queue is checked by its fully qualified name, ADDRESS::QUEUE
        int separator = checked.indexOf("::");
        String address = separator < 0 ? checked : checked.substring(0, separator);
        String queue = separator < 0 ? null : checked.substring(separator + 2);
        boolean enrollee = FleetAcl.ENROLLEE.equals(name);
        if (queue != null && !queue.startsWith(enrollee ? ENROLLEE_CLIENT_PREFIX : NODE_CLIENT_PREFIX + name + ".")) {
            LOG.debug("Refused {} of {} on {}: not its own queue", checkType, name, checked);
            return false;
        }
        FleetAcl.Access access = switch (checkType) {
            case SEND -> FleetAcl.Access.WRITE;
            case CONSUME, BROWSE, CREATE_NON_DURABLE_QUEUE, DELETE_NON_DURABLE_QUEUE -> FleetAcl.Access.READ;
            // A client of the enrollment listener leaves nothing behind it
            case CREATE_DURABLE_QUEUE, DELETE_DURABLE_QUEUE -> enrollee ? FleetAcl.Access.NONE : FleetAcl.Access.READ;
            case CREATE_ADDRESS -> null; // made by a publish or a subscription, each checked for itself
            default -> FleetAcl.Access.NONE;
        };
        if (access == null) {
            return true;
        }
        if (address.startsWith(MQTTUtil.QOS2_MANAGEMENT_QUEUE_PREFIX)) {
            return !enrollee && address.equals(MQTTUtil.QOS2_MANAGEMENT_QUEUE_PREFIX + NODE_CLIENT_PREFIX + name);
        }
        if (address.startsWith(MQTTUtil.MQTT_RETAIN_ADDRESS_PREFIX)) {
            // The retained messages of a topic, checked as the topic; an enrollee keeps none
            return !(enrollee && access == FleetAcl.Access.WRITE) && allowed(name, access, address, checkType);
        }
        if (address.startsWith("$sys.")) {
            LOG.debug("Refused {} of {} on {}", checkType, name, address);
            return false;
        }
        return allowed(name, access, address, checkType);
    }

    private boolean allowed(String name, FleetAcl.Access access, String address, CheckType checkType) {
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

    /** The local port of {@code connection}, from Artemis' "host:port" (or "/host:port"); -1 when unknown. */
    private static int localPort(RemotingConnection connection) {
        String local = connection.getTransportLocalAddress();
        int colon = local == null ? -1 : local.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(local.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
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
