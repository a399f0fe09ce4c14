package io.flotilla.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CA holder's side of pairing: the requests waiting for an operator, and the operator's
 * answer. A request is taken only while it is fresh ({@link #LIFETIME}), only once (its nonce is
 * remembered, on disk, for as long as it could be fresh), and only for a name the CA has no valid
 * certificate of. The operator approves with the code the new node printed; only the request
 * with that code is signed. Thread-safe.
 */
public final class PairingDesk {

    /** How long a request may wait for its operator. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);
    /** How far the new node's clock may be ahead of the CA holder's. */
    static final Duration SKEW = Duration.ofMinutes(2);
    static final int MAX_PENDING = 64;
    static final int MAX_PER_NAME = 4;
    private static final String NONCES = "pairing-nonces";

    /** A request waiting, with the key it was signed with. */
    public record Pending(PairingRequest request, PublicKey key, Instant received) {
    }

    /** An approved request: the certificate to send to the new node. */
    public record Approval(PairingRequest request, X509Certificate certificate, X509Certificate ca) {
    }

    private final CaLedger ledger;
    private final CertificateIssuer issuer;
    private final FleetCa ca;
    private final Path nonceFile;
    private final Clock clock;
    private final int days;
    private final Map<String, List<Pending>> pending = new LinkedHashMap<>();
    private final Map<String, Instant> answered = new LinkedHashMap<>();

    /** The desk of the CA in {@code directory}, issuing certificates valid for {@code days}. */
    public PairingDesk(Path directory, int days, Clock clock) throws IOException, GeneralSecurityException {
        this.ca = FleetCa.load(directory);
        this.ledger = new CaLedger(directory, ca, clock);
        this.issuer = new CertificateIssuer(ca, clock);
        this.nonceFile = directory.resolve(NONCES);
        this.clock = clock;
        this.days = days;
        if (Files.isRegularFile(nonceFile)) {
            for (String line : Files.readAllLines(nonceFile)) {
                String[] parts = line.split(" ");
                if (parts.length == 2) {
                    answered.put(parts[1], Instant.parse(parts[0]));
                }
            }
        }
    }

    /**
     * Takes {@code request} to wait for its operator; the same request sent again (the new node
     * repeats it until answered) changes nothing.
     *
     * @throws PairingRefused when it must be answered with a refusal: stale, replayed, already paired
     * @throws GeneralSecurityException when it is no valid request at all (not worth an answer)
     */
    public synchronized void receive(PairingRequest request) throws PairingRefused, GeneralSecurityException, IOException {
        CertificateIssuer.checkName(request.name());
        PublicKey key = request.verifiedKey();
        Instant now = clock.instant();
        if (answered.containsKey(request.nonce())) {
            throw new PairingRefused(request, "this request was answered already: a replayed request is never taken again");
        }
        if (request.created().isBefore(now.minus(LIFETIME)) || request.created().isAfter(now.plus(SKEW))) {
            throw new PairingRefused(request, "the request was made at " + request.created() + ", not within "
                    + LIFETIME.toMinutes() + " minutes of " + now + ": check the clocks and start pairing again");
        }
        refuseIfPaired(request);
        expire(now);
        List<Pending> forName = pending.computeIfAbsent(request.name(), n -> new ArrayList<>());
        if (forName.stream().anyMatch(p -> p.request().nonce().equals(request.nonce()))) {
            return;
        }
        if (forName.size() >= MAX_PER_NAME || pending.values().stream().mapToInt(List::size).sum() >= MAX_PENDING) {
            throw new GeneralSecurityException("too many pairing requests are waiting (" + MAX_PER_NAME + " per name, "
                    + MAX_PENDING + " in all): this one is dropped");
        }
        forName.add(new Pending(request, key, now));
    }

    /** Signs the waiting request of {@code name} whose code is {@code code}. */
    public synchronized Approval approve(String name, String code) throws IOException, GeneralSecurityException {
        CertificateIssuer.checkName(name);
        expire(clock.instant());
        List<Pending> forName = pending.getOrDefault(name, List.of());
        if (forName.isEmpty()) {
            throw new IllegalArgumentException("no pairing request from " + name + " is waiting (requests wait "
                    + LIFETIME.toMinutes() + " minutes; node:pairing lists them)");
        }
        Optional<Pending> match = forName.stream().filter(p -> p.request().hasCode(code)).findFirst();
        if (match.isEmpty()) {
            throw new IllegalArgumentException("wrong pairing code for " + name + ": nothing was signed; read the code again on "
                    + name + "'s console");
        }
        try {
            refuseIfPaired(match.get().request());
        } catch (PairingRefused e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        X509Certificate certificate = issuer.certify(name, match.get().key(), days);
        ledger.record(name, certificate);
        remember(match.get().request());
        forName.remove(match.get());
        return new Approval(match.get().request(), certificate, ca.certificate());
    }

    /** Refuses every waiting request of {@code name}; returns them, to be told. */
    public synchronized List<PairingRequest> refuse(String name) throws IOException {
        List<PairingRequest> refused = new ArrayList<>();
        for (Pending waiting : pending.getOrDefault(name, List.of())) {
            remember(waiting.request());
            refused.add(waiting.request());
        }
        pending.remove(name);
        if (refused.isEmpty()) {
            throw new IllegalArgumentException("no pairing request from " + name + " is waiting");
        }
        return refused;
    }

    /** Revokes {@code name}'s certificate; the brokers honour the CA's revocation list. */
    public synchronized X509Certificate unpair(String name) throws IOException, GeneralSecurityException {
        return ledger.revoke(name);
    }

    /** The requests waiting now. */
    public synchronized List<Pending> pending() {
        expire(clock.instant());
        return pending.values().stream().flatMap(List::stream).toList();
    }

    /** The CA's revocation list, as a broker reads it. */
    public Path revocationList() {
        return nonceFile.resolveSibling(CaLedger.REVOCATIONS);
    }

    private void refuseIfPaired(PairingRequest request) throws PairingRefused, IOException, GeneralSecurityException {
        Optional<X509Certificate> paired = ledger.activeCertificate(request.name());
        if (paired.isPresent()) {
            throw new PairingRefused(request, request.name() + " is paired already (certificate " + paired.get().getSerialNumber()
                    .toString(16) + ", valid until " + paired.get().getNotAfter().toInstant() + "): node:unpair it first");
        }
    }

    private void expire(Instant now) {
        pending.values().forEach(list -> list.removeIf(p -> p.request().created().isBefore(now.minus(LIFETIME))));
        pending.values().removeIf(List::isEmpty);
    }

    /** Remembers an answered request's nonce for as long as the request could be fresh; forgets older ones. */
    private void remember(PairingRequest request) throws IOException {
        Instant horizon = clock.instant().minus(LIFETIME).minus(SKEW);
        answered.values().removeIf(created -> created.isBefore(horizon));
        answered.put(request.nonce(), request.created());
        StringBuilder lines = new StringBuilder();
        answered.forEach((nonce, created) -> lines.append(created).append(' ').append(nonce).append('\n'));
        PkiFiles.replace(nonceFile, lines.toString(), true);
    }

    /** A request to be answered with a refusal, and why. */
    public static final class PairingRefused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient PairingRequest request;

        PairingRefused(PairingRequest request, String reason) {
            super(reason);
            this.request = request;
        }

        public PairingRequest request() {
            return request;
        }
    }
}
