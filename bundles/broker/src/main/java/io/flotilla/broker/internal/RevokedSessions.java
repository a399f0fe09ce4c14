package io.flotilla.broker.internal;

import java.security.cert.X509Certificate;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.core.remoting.CertificateUtil;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the connections of clients whose certificates were revoked after they connected: every
 * {@link #PERIOD_SECONDS} s it reads the revocation list again, and when it changed it fails each
 * connection the list now refuses. The broker then publishes the client's Last Will, so the fleet
 * sees an unpaired node go offline at once.
 */
final class RevokedSessions implements AutoCloseable {

    static final long PERIOD_SECONDS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(RevokedSessions.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "flotilla-broker-revocations"));

    private long swept;

    RevokedSessions(ActiveMQServer server, Revocations revocations, CertificateSecurity security) {
        swept = revocations.generation();
        timer.scheduleWithFixedDelay(() -> {
            try {
                long now = revocations.generation();
                if (now != swept) {
                    swept = now;
                    for (RemotingConnection connection : server.getRemotingService().getConnections()) {
                        X509Certificate[] chain = CertificateUtil.getCertsFromConnection(connection);
                        if (chain != null && chain.length > 0 && security.isRevoked(chain[0])) {
                            LOG.warn("Dropping {} from {}: its certificate {} was revoked", chain[0].getSubjectX500Principal(),
                                    connection.getRemoteAddress(), chain[0].getSerialNumber().toString(16));
                            connection.fail(new ActiveMQSecurityException("the client's certificate was revoked"));
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("Could not check the broker's connections against tls.crl", e);
            }
        }, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
