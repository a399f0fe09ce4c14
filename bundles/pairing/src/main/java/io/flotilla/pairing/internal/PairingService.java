package io.flotilla.pairing.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.api.Subscription;
import io.flotilla.pki.Enrollment;
import io.flotilla.pki.PairingDesk;
import io.flotilla.pki.PairingRequest;
import io.flotilla.pki.Pem;
import io.flotilla.spi.fleet.FleetLink;

/**
 * The CA holder's side of pairing, on a node configured with the fleet CA's directory: it takes the
 * requests of new nodes from {@code pairing/requests/+} (on a thread of its own, a bounded queue in
 * front: the enrollment listener lets strangers send them) and answers on
 * {@code pairing/replies/{name}} when an operator approves or refuses one with {@code node:pair}.
 */
@Component(service = PairingService.class, immediate = true, configurationPid = PairingConfig.PID)
@Designate(ocd = PairingConfig.class)
public final class PairingService {

    private static final Logger LOG = LoggerFactory.getLogger(PairingService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

    private final FleetLink fleet;
    private final PairingDesk desk;
    private final String caDirectory;
    private final ThreadPoolExecutor worker;
    private final Subscription requests;
    private Instant lastWarning = Instant.MIN;

    @Activate
    public PairingService(PairingConfig config, @Reference FleetLink fleet) throws IOException, GeneralSecurityException {
        this.fleet = fleet;
        this.caDirectory = config.ca_dir().trim();
        if (caDirectory.isEmpty()) {
            this.desk = null;
            this.worker = null;
            this.requests = null;
            return;
        }
        this.desk = new PairingDesk(Path.of(caDirectory), config.certificate_days(), Clock.systemUTC());
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                runnable -> new Thread(runnable, "flotilla-pairing"), new ThreadPoolExecutor.DiscardPolicy());
        this.requests = fleet.subscribe(Enrollment.REQUESTS + "+", (topic, payload, retained) -> {
            if (!retained && payload.length <= MAX_REQUEST_BYTES) { // a request is sent live, and repeated
                worker.execute(() -> receive(topic.substring(Enrollment.REQUESTS.length()), payload));
            }
        });
        LOG.info("This node holds the fleet CA in {}: it takes pairing requests (node:pairing, node:pair)", caDirectory);
    }

    @Deactivate
    void deactivate() {
        if (requests != null) {
            requests.close();
            worker.shutdownNow();
        }
    }

    /**
     * Signs the waiting request of {@code name} with {@code code} and sends the new node its
     * certificate; when none waiting has that code, the request with it is signed when it comes.
     *
     * @return the certificate, or empty when nothing was signed yet
     */
    public Optional<X509Certificate> pair(String name, String code) throws IOException, GeneralSecurityException {
        Optional<PairingDesk.Approval> approval = desk().approve(name, code);
        approval.ifPresent(this::send);
        return approval.map(PairingDesk.Approval::certificate);
    }

    private void send(PairingDesk.Approval approval) {
        Map<String, Object> reply = reply(approval.request());
        reply.put("certificate", Pem.of(approval.certificate()));
        reply.put("ca", Pem.of(approval.ca()));
        fleet.publish(Enrollment.REPLIES + approval.request().name(), reply, false);
        LOG.info("Paired {}: certificate {} issued, valid until {}", approval.request().name(),
                approval.certificate().getSerialNumber().toString(16), approval.certificate().getNotAfter().toInstant());
    }

    /** Refuses every waiting request of {@code name}, telling the node. */
    public int refuse(String name) throws IOException {
        List<PairingRequest> refused = desk().refuse(name);
        for (PairingRequest request : refused) {
            answerRefused(request, "an operator refused it");
        }
        LOG.info("Refused the pairing of {} ({} requests)", name, refused.size());
        return refused.size();
    }

    /** Revokes {@code name}'s certificates that still work. */
    public List<X509Certificate> unpair(String name) throws IOException, GeneralSecurityException {
        List<X509Certificate> revoked = desk().unpair(name);
        LOG.info("Unpaired {}: certificates {} revoked in {}", name, serials(revoked), desk.revocationList());
        return revoked;
    }

    /** The serial numbers of {@code certificates}, in hex, comma-separated. */
    public static String serials(List<X509Certificate> certificates) {
        return certificates.stream().map(c -> c.getSerialNumber().toString(16)).collect(Collectors.joining(", "));
    }

    /** The requests waiting for an operator. */
    public List<PairingDesk.Pending> pending() {
        return desk().pending();
    }

    /** The CA's revocation list, which brokers must read to honour node:unpair. */
    public Path revocationList() {
        return desk().revocationList();
    }

    private PairingDesk desk() {
        if (desk == null) {
            throw new IllegalStateException("this node holds no fleet CA: set ca.dir in etc/" + PairingConfig.PID
                    + ".cfg to the directory of bin/flotilla ca init, on the node that should pair others");
        }
        return desk;
    }

    private void receive(String name, byte[] payload) {
        PairingRequest request;
        try {
            request = PairingRequest.fromMap(JSON.readValue(payload, Map.class));
            if (!request.name().equals(name)) {
                throw new IllegalArgumentException("a request for " + request.name() + " sent on the topic of " + name);
            }
            desk.receive(request).ifPresent(this::send);
        } catch (PairingDesk.PairingRefused e) {
            LOG.warn("Refused a pairing request of {}: {}", printable(name), e.getMessage());
            answerRefused(e.request(), e.getMessage());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            warnAtMostEveryMinute(name, e);
        }
    }

    private void answerRefused(PairingRequest request, String reason) {
        Map<String, Object> reply = reply(request);
        reply.put("refused", reason);
        fleet.publish(Enrollment.REPLIES + request.name(), reply, false);
    }

    /** Strangers may send anything here: one warning a minute at most, so that a flood cannot fill the log. */
    private void warnAtMostEveryMinute(String name, Exception e) {
        Instant now = Instant.now();
        if (now.isAfter(lastWarning.plus(WARNING_INTERVAL))) {
            lastWarning = now;
            LOG.warn("Ignored a pairing request on the topic of {}: {} (further ones are not logged for a minute)",
                    printable(name), printable(String.valueOf(e.getMessage())));
        }
    }

    /** What a stranger sent, fit for one log line: at most 80 characters, nothing that is not printable ASCII. */
    private static String printable(String text) {
        String shown = text.replaceAll("[^\\x20-\\x7e]", "?");
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }

    private static Map<String, Object> reply(PairingRequest request) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("name", request.name());
        reply.put("nonce", request.nonce());
        return reply;
    }
}
