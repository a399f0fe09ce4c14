package io.flotilla.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA holder's side of pairing: what is signed, and each request that must not be. */
class PairingDeskTest {

    @TempDir
    Path ca;

    private final Instant now = Instant.parse("2026-12-03T12:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private PairingDesk desk;

    @BeforeEach
    void createCa() throws Exception {
        FleetCa created = FleetCa.create("test", 30, clock);
        created.save(ca);
        new CaLedger(ca, created, clock).start();
        desk = new PairingDesk(ca, 365, clock);
    }

    private PairingRequest request(String name, Clock at) throws GeneralSecurityException {
        return PairingRequest.create(name, Keys.generate(), at);
    }

    @Test
    void theRequestWithTheTypedCodeIsSignedForItsOwnKey() throws Exception {
        KeyPair keys = Keys.generate();
        PairingRequest request = PairingRequest.create("gamma", keys, clock);
        desk.receive(request);

        PairingDesk.Approval approval = desk.approve("gamma", request.code().toLowerCase().replace("-", " ")).orElseThrow();

        assertEquals(keys.getPublic(), approval.certificate().getPublicKey());
        approval.certificate().verify(approval.ca().getPublicKey());
        assertTrue(approval.certificate().getSubjectX500Principal().getName().contains("CN=gamma"));
        assertTrue(desk.pending().isEmpty());
    }

    @Test
    void aWrongCodeSignsNothingAndTheRightOneStillWorks() throws Exception {
        PairingRequest request = request("gamma", clock);
        desk.receive(request);

        assertTrue(desk.approve("gamma", "0000-0000-0000").isEmpty());

        assertFalse(Files.exists(ca.resolve("issued/gamma.crt")));
        assertEquals(1, desk.pending().size());
        assertTrue(desk.approve("gamma", request.code()).isPresent());
    }

    @Test
    void aCodeGivenBeforeItsRequestCameSignsTheRequestWhenItComes() throws Exception {
        PairingRequest request = request("gamma", clock);
        assertTrue(desk.approve("gamma", request.code()).isEmpty());

        assertTrue(desk.receive(request("gamma", clock)).isEmpty(), "another request, another code");
        PairingDesk.Approval approval = desk.receive(request).orElseThrow();

        assertEquals("gamma", approval.request().name());
        assertTrue(Files.exists(ca.resolve("issued/gamma.crt")));
    }

    @Test
    void aFloodOfStrangersRequestsCannotKeepTheGenuineOneOut() throws Exception {
        PairingRequest genuine = request("gamma", clock);
        desk.approve("gamma", genuine.code());
        for (int i = 0; i < PairingDesk.MAX_PENDING * 2; i++) {
            desk.receive(request(i % 2 == 0 ? "gamma" : "other-" + i, clock));
        }

        assertTrue(desk.receive(genuine).isPresent());
    }

    @Test
    void aStrangersRequestForTheSameNameHasAnotherCodeAndIsNotSigned() throws Exception {
        PairingRequest genuine = request("gamma", clock);
        PairingRequest stranger = new PairingRequest("gamma", request("gamma", clock).csr(), genuine.nonce(), genuine.created());
        desk.receive(stranger);

        assertNotEquals(genuine.code(), stranger.code());
        assertTrue(desk.approve("gamma", genuine.code()).isEmpty());
        assertTrue(desk.receive(stranger).isEmpty());
        assertFalse(Files.exists(ca.resolve("issued/gamma.crt")));
    }

    @Test
    void aReplayedRequestIsRefusedEvenByADeskStartedAgain() throws Exception {
        PairingRequest request = request("gamma", clock);
        desk.receive(request);
        desk.refuse("gamma");

        PairingDesk restarted = new PairingDesk(ca, 365, clock);
        PairingDesk.PairingRefused replay = assertThrows(PairingDesk.PairingRefused.class, () -> restarted.receive(request));

        assertTrue(replay.getMessage().contains("replayed"), replay.getMessage());
        assertTrue(restarted.pending().isEmpty());
    }

    @Test
    void aNameAlreadyPairedIsRefusedUntilItIsUnpaired() throws Exception {
        PairingRequest first = request("gamma", clock);
        desk.receive(first);
        desk.approve("gamma", first.code()).orElseThrow();

        PairingDesk.PairingRefused again = assertThrows(PairingDesk.PairingRefused.class, () -> desk.receive(request("gamma", clock)));
        assertTrue(again.getMessage().contains("paired already"), again.getMessage());

        desk.unpair("gamma");
        assertEquals(1, CaLedger.read(Files.readString(ca.resolve("crl.pem")), FleetCa.load(ca).certificate())
                .getRevokedCertificates().size());
        PairingRequest afterUnpair = request("gamma", clock);
        desk.receive(afterUnpair);
        desk.approve("gamma", afterUnpair.code()).orElseThrow();
    }

    @Test
    void aStaleRequestOrOneFromTheFutureIsRefused() throws Exception {
        Clock old = Clock.fixed(now.minus(PairingDesk.LIFETIME).minusSeconds(1), ZoneOffset.UTC);
        Clock ahead = Clock.fixed(now.plus(Duration.ofMinutes(10)), ZoneOffset.UTC);

        assertThrows(PairingDesk.PairingRefused.class, () -> desk.receive(request("gamma", old)));
        assertThrows(PairingDesk.PairingRefused.class, () -> desk.receive(request("gamma", ahead)));
        assertTrue(desk.pending().isEmpty());
    }

    @Test
    void aRequestWhoseCsrNamesAnotherNodeOrIsNotSignedIsNoRequest() throws Exception {
        PairingRequest forDelta = request("delta", clock);
        PairingRequest relabelled = new PairingRequest("gamma", forDelta.csr(), forDelta.nonce(), forDelta.created());
        byte[] damaged = forDelta.csr().clone();
        damaged[damaged.length - 5] ^= 1;

        assertThrows(GeneralSecurityException.class, () -> desk.receive(relabelled));
        assertThrows(GeneralSecurityException.class,
                () -> desk.receive(new PairingRequest("delta", damaged, forDelta.nonce(), forDelta.created())));
        assertTrue(desk.pending().isEmpty());
    }

    @Test
    void unpairingRevokesEveryCertificateOfTheNameThatStillWorks() throws Exception {
        FleetCa fleetCa = FleetCa.load(ca);
        CaLedger ledger = new CaLedger(ca, fleetCa, clock);
        CertificateIssuer issuer = new CertificateIssuer(fleetCa, clock);
        ledger.record("gamma", issuer.issue("gamma", CertificateIssuer.Role.NODE, java.util.List.of(), 30).certificate());
        ledger.record("gamma", issuer.issue("gamma", CertificateIssuer.Role.NODE, java.util.List.of(), 30).certificate());

        assertEquals(2, desk.unpair("gamma").size());
        assertEquals(2, ledger.revocations().getRevokedCertificates().size());
        assertThrows(IllegalArgumentException.class, () -> desk.unpair("gamma"));
    }

    @Test
    void aRequestSurvivesItsJsonForm() throws Exception {
        PairingRequest request = request("gamma", clock);
        Map<String, Object> wire = request.toMap();

        PairingRequest read = PairingRequest.fromMap(wire);

        assertEquals(request.code(), read.code());
        assertThrows(IllegalArgumentException.class, () -> PairingRequest.fromMap(Map.of("name", "gamma")));
    }
}
