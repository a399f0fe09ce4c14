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
 * with that code is signed. When none waiting has it, the code is kept for the name, and the
 * request that comes with it is signed when it comes (the new node repeats its request): so
 * strangers who fill the waiting room with requests of their own cannot keep the genuine one out.
 * Thread-safe.
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
    /** Codes an operator gave for names whose request with that code has not come yet, and until when. */
    private final Map<String, Armed> armed = new LinkedHashMap<>();

    private record Armed(String code, Instant until) {
    }

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
     * Takes {@code request}: signs it when an operator gave its code already, else keeps it waiting
     * for one; the same request sent again (the new node repeats it until answered) changes nothing.
     *
     * @return the approval to send, when the request was signed now
     * @throws PairingRefused when it must be answered with a refusal: stale, replayed, already paired
     * @throws GeneralSecurityException when it is no valid request at all (not worth an answer)
     */
    public synchronized Optional<Approval> receive(PairingRequest request)
            throws PairingRefused, GeneralSecurityException, IOException {
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
        Pending arrived = new Pending(request, key, now);
        Armed code = armed.get(request.name());
        if (code != null && request.hasCode(code.code())) {
            armed.remove(request.name());
            return Optional.of(sign(arrived));
        }
        List<Pending> forName = pending.computeIfAbsent(request.name(), n -> new ArrayList<>());
        if (forName.stream().anyMatch(p -> p.request().nonce().equals(request.nonce()))) {
            return Optional.empty();
        }
        if (forName.size() >= MAX_PER_NAME) {
            forName.remove(0); // the oldest goes: a flood cannot keep the newest, a genuine repeat, out
        }
        if (pending.values().stream().mapToInt(List::size).sum() >= MAX_PENDING) {
            pending.values().stream().filter(list -> !list.isEmpty()).findFirst().ifPresent(list -> list.remove(0));
        }
        forName.add(arrived);
        return Optional.empty();
    }

    /**
     * Signs the waiting request of {@code name} whose code is {@code code}; when none waiting has
     * it, keeps the code so that the request with it is signed when it comes, within {@link #LIFETIME}.
     *
     * @return the approval to send, or empty when nothing was signed yet
     */
    public synchronized Optional<Approval> approve(String name, String code) throws IOException, GeneralSecurityException {
        CertificateIssuer.checkName(name);
        Instant now = clock.instant();
        expire(now);
        Optional<X509Certificate> paired = ledger.activeCertificate(name);
        if (paired.isPresent()) {
            throw new IllegalArgumentException(pairedAlready(name, paired.get()));
        }
        Optional<Pending> match = pending.getOrDefault(name, List.of()).stream().filter(p -> p.request().hasCode(code))
                .findFirst();
        if (match.isEmpty()) {
            armed.put(name, new Armed(code, now.plus(LIFETIME)));
            return Optional.empty();
        }
        pending.get(name).remove(match.get());
        return Optional.of(sign(match.get()));
    }

    private Approval sign(Pending request) throws IOException, GeneralSecurityException {
        X509Certificate certificate = issuer.certify(request.request().name(), request.key(), days);
        ledger.record(request.request().name(), certificate);
        remember(request.request());
        return new Approval(request.request(), certificate, ca.certificate());
    }

    /** Refuses every waiting request of {@code name}, and forgets a code given for it; returns them, to be told. */
    public synchronized List<PairingRequest> refuse(String name) throws IOException {
        boolean disarmed = armed.remove(name) != null;
        List<PairingRequest> refused = new ArrayList<>();
        for (Pending waiting : pending.getOrDefault(name, List.of())) {
            remember(waiting.request());
            refused.add(waiting.request());
        }
        pending.remove(name);
        if (refused.isEmpty() && !disarmed) {
            throw new IllegalArgumentException("no pairing request from " + name + " is waiting");
        }
        return refused;
    }

    /** Revokes {@code name}'s certificates that still work; the brokers honour the CA's revocation list. */
    public synchronized List<X509Certificate> unpair(String name) throws IOException, GeneralSecurityException {
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
            throw new PairingRefused(request, pairedAlready(request.name(), paired.get()));
        }
    }

    private static String pairedAlready(String name, X509Certificate paired) {
        return name + " is paired already (certificate " + paired.getSerialNumber().toString(16) + ", valid until "
                + paired.getNotAfter().toInstant() + "): node:unpair it first";
    }

    private void expire(Instant now) {
        armed.values().removeIf(code -> code.until().isBefore(now));
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
