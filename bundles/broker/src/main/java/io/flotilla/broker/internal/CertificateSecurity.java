package io.flotilla.broker.internal;

import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.function.Supplier;

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

    private final FleetAcl acl;
    private final Supplier<WildcardConfiguration> wildcards;

    /** @param wildcards the broker's wildcard configuration, to turn its addresses back into MQTT topics */
    CertificateSecurity(FleetAcl acl, Supplier<WildcardConfiguration> wildcards) {
        this.acl = acl;
        this.wildcards = wildcards;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
        if (chain == null || chain.length == 0) {
            LOG.warn("Refused a client of the embedded broker from {}: it presented no certificate",
                    connection == null ? "nowhere" : connection.getRemoteAddress());
            return null;
        }
        String name = commonName(chain[0]);
        if (name == null) {
            LOG.warn("Refused a client of the embedded broker: its certificate {} names no CN",
                    chain[0].getSubjectX500Principal());
            return null;
        }
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        return subject;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
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
                    || acl.allows(name, access, MQTTUtil.getMqttTopicFromCoreAddress(address, wildcards.get()));
        }
        boolean allowed = acl.allows(name, access, MQTTUtil.getMqttTopicFromCoreAddress(address, wildcards.get()));
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
