package io.flotilla.core.internal.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.runtime.InvalidCommandException;
import io.flotilla.spi.fleet.FleetIdentity;
import io.flotilla.util.SignedEnvelope;

/**
 * The check of a signed command, with the published test key of docs/protocol.md (RFC 8032's first
 * test vector): the documented example verifies, and each way a command can be wrong is refused
 * with its reason.
 */
class SignatureCheckTest {

    /** RFC 8032, 7.1, TEST 1: a key everyone knows, for examples only. */
    static final String TEST_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\n"
            + "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
    static final String EXAMPLE_COMMAND = "{\"name\": \"c1\", \"type\": \"counter\", \"request_id\": \"r1\", "
            + "\"reply_to\": \"replies/test-operator/results\"}";
    /** The signature docs/protocol.md shows for its example. */
    static final String EXAMPLE_SIGNATURE = "Rbr1+1IquuAg+TSMGRZqJOEbm0t9ngpIz1OQ/8WBGD7RUnWZX8sbVvLGov+4TaYYfZHSM7hj82Kj0FSy6aCMBg==";

    @TempDir
    Path root;

    /** A node with no fleet CA to check nodes' certificates against (no tls.truststore). */
    private static final FleetIdentity NO_FLEET_CA = new FleetIdentity() {
        @Override
        public Optional<NodeSignature> sign(byte[] data) {
            return Optional.empty();
        }

        @Override
        public Optional<String> signer(byte[] certificate, byte[] data, byte[] signature) {
            return Optional.empty();
        }
    };

    private final Instant now = Instant.parse("2026-12-03T17:01:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private PrivateKey testKey;
    private SignatureCheck check;

    @BeforeEach
    void trustTheTestOperator() throws Exception {
        Path operators = Files.createDirectories(root.resolve("etc/operators"));
        Files.writeString(operators.resolve("test-operator.pub"), TEST_PUBLIC_KEY);
        Files.writeString(operators.resolve("viewer.pub"), TEST_PUBLIC_KEY);
        Files.writeString(operators.resolve("viewer.properties"), "kinds = list, ping\n");
        testKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(HexFormat.of().parseHex(
                "302e020100300506032b657004220420" + "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")));
        check = newCheck();
    }

    private SignatureCheck newCheck() throws Exception {
        return new SignatureCheck("alpha", OperatorKeys.load(root.resolve("etc/operators")), NO_FLEET_CA,
                new NonceLedger(root.resolve("data/nonces"), clock), clock);
    }

    private Map<String, Object> signed(String key, String node, String kind, String issued, String expires, String nonce,
            String command, PrivateKey signer) throws Exception {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("key", key);
        header.put("node", node);
        header.put("kind", kind);
        header.put("issued_at", issued);
        header.put("expires_at", expires);
        header.put("nonce", nonce);
        header.put("command", command);
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(signer);
        signature.update(new SignedEnvelope(key, node, kind, Instant.parse(issued), Instant.parse(expires), nonce)
                .signedBytes(command));
        return new LinkedHashMap<>(Map.of("signed", header, "signature", Base64.getEncoder().encodeToString(signature.sign())));
    }

    private Map<String, Object> example() throws Exception {
        return signed("test-operator", "alpha", "spawn", "2026-12-03T17:00:00Z", "2026-12-03T17:05:00Z", "bm9uY2UtMDAwMDAwMDE",
                EXAMPLE_COMMAND, testKey);
    }

    private String refusal(Map<String, Object> document, String kind) {
        return assertThrows(InvalidCommandException.class, () -> check.verify(SignedCommand.of(document).orElseThrow(), kind))
                .reason();
    }

    @Test
    void theDocumentedExampleVerifiesAndYieldsItsCommand() throws Exception {
        Map<String, Object> example = example();
        assertEquals(EXAMPLE_SIGNATURE, example.get("signature"), "Ed25519 is deterministic: docs/protocol.md shows this one");

        assertEquals(EXAMPLE_COMMAND, check.verify(SignedCommand.of(example).orElseThrow(), "spawn").command());
    }

    @Test
    void aReplayIsRefusedAlsoByTheNodeStartedAgain() throws Exception {
        check.verify(SignedCommand.of(example()).orElseThrow(), "spawn");

        assertTrue(refusal(example(), "spawn").startsWith("replayed"));
        check = newCheck();
        assertTrue(refusal(example(), "spawn").startsWith("replayed"));
    }

    @Test
    void eachWrongCommandIsRefusedWithItsReason() throws Exception {
        Map<String, Object> altered = example();
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) altered.get("signed");
        header.put("command", EXAMPLE_COMMAND.replace("counter", "crasher"));
        PrivateKey stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();

        assertTrue(refusal(altered, "spawn").startsWith("bad signature"));
        assertTrue(refusal(signed("test-operator", "alpha", "spawn", "2026-12-03T17:00:00Z", "2026-12-03T17:05:00Z", "n-stranger",
                EXAMPLE_COMMAND, stranger), "spawn").startsWith("bad signature"));
        assertTrue(refusal(signed("mallory", "alpha", "spawn", "2026-12-03T17:00:00Z", "2026-12-03T17:05:00Z", "n-unknown",
                EXAMPLE_COMMAND, testKey), "spawn").startsWith("unknown key 'mallory'"));
        assertTrue(refusal(signed("test-operator", "beta", "spawn", "2026-12-03T17:00:00Z", "2026-12-03T17:05:00Z", "n-target",
                EXAMPLE_COMMAND, testKey), "spawn").startsWith("wrong target"));
        assertTrue(refusal(example(), "stop").startsWith("wrong kind"));
        assertTrue(refusal(signed("viewer", "alpha", "spawn", "2026-12-03T17:00:00Z", "2026-12-03T17:05:00Z", "n-viewer",
                EXAMPLE_COMMAND, testKey), "spawn").startsWith("not allowed"));
        assertTrue(refusal(signed("test-operator", "alpha", "spawn", "2026-12-03T16:50:00Z", "2026-12-03T16:59:00Z", "n-expired",
                EXAMPLE_COMMAND, testKey), "spawn").startsWith("expired"));
        assertTrue(refusal(signed("test-operator", "alpha", "spawn", "2026-12-03T17:05:00Z", "2026-12-03T17:10:00Z", "n-future",
                EXAMPLE_COMMAND, testKey), "spawn").startsWith("not yet valid"));
        assertTrue(refusal(signed("test-operator", "alpha", "spawn", "2026-12-03T17:00:00Z", "2026-12-03T18:00:00Z", "n-long",
                EXAMPLE_COMMAND, testKey), "spawn").contains("at most 10 minutes"));
        // None of them used a nonce: the genuine command still runs
        assertEquals(EXAMPLE_COMMAND, check.verify(SignedCommand.of(example()).orElseThrow(), "spawn").command());
    }

    @Test
    void aDocumentThatIsNoSignedCommandIsToldSo() {
        assertTrue(SignedCommand.of(Map.of("name", "c1", "type", "counter")).isEmpty());
        assertThrows(InvalidCommandException.class, () -> SignedCommand.of(Map.of("signed", Map.of(), "signature", "AA==")));
        assertThrows(InvalidCommandException.class, () -> SignedCommand.of(Map.of("signed", Map.of("key", "a"), "extra", 1)));
        InvalidCommandException sloppyTime = assertThrows(InvalidCommandException.class, () -> SignedCommand.of(Map.of(
                "signed", Map.of("key", "a", "node", "alpha", "kind", "spawn", "issued_at", "2026-12-03T17:00:00.000Z",
                        "expires_at", "2026-12-03T17:05:00Z", "nonce", "n", "command", "{}"), "signature", "AA==")));
        assertTrue(sloppyTime.reason().contains("must be written as 2026-12-03T17:00:00Z"));
    }

    @Test
    void aRecordOfNoncesThatCannotBeReadCountsAsForgettingEverythingBefore() throws Exception {
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/nonces"), "not a line of the ledger\n");

        check = newCheck();

        assertTrue(refusal(example(), "spawn").startsWith("replayed"), "it might have been taken before the crash");
        assertTrue(Files.list(root.resolve("data")).anyMatch(f -> f.getFileName().toString().contains("unreadable")));
    }

    @Test
    void aCommandTheNodeKeptWhenItCameIsTakenAgainAfterARestartAndNothingElseIs() throws Exception {
        check.verify(SignedCommand.of(example()).orElseThrow(), "spawn"); // taken, and then the node died

        check = newCheck();
        assertEquals(EXAMPLE_COMMAND, check.verify(SignedCommand.of(example()).orElseThrow(), "spawn", false, true).command(),
                "its own nonce, from the node's inbox");
        assertTrue(refusal(example(), "spawn").startsWith("replayed"), "the same from the broker is still a replay");
    }

    @Test
    void aClockSteppedBackBringsNoPrunedNonceBack() throws Exception {
        check.verify(SignedCommand.of(example()).orElseThrow(), "spawn");
        Clock later = Clock.fixed(now.plus(java.time.Duration.ofMinutes(30)), ZoneOffset.UTC);
        new SignatureCheck("alpha", OperatorKeys.load(root.resolve("etc/operators")), NO_FLEET_CA, new NonceLedger(root.resolve("data/nonces"),
                later), later).verify(SignedCommand.of(signed("test-operator", "alpha", "spawn", "2026-12-03T17:30:00Z",
                "2026-12-03T17:35:00Z", "n-later", EXAMPLE_COMMAND, testKey)).orElseThrow(), "spawn"); // prunes the example's nonce

        check = newCheck(); // the clock back at 17:01

        assertTrue(refusal(example(), "spawn").startsWith("replayed"));
    }

    @Test
    void anOperatorsKindsFileThatNarrowsNothingByMistakeIsAnError() throws Exception {
        Files.writeString(root.resolve("etc/operators/viewer.properties"), "kind = list\n");

        assertThrows(java.io.IOException.class, () -> OperatorKeys.load(root.resolve("etc/operators")));
    }

    @Test
    void aNodesSignatureCountsOnlyWithACertificateTheFleetCaVouchesFor() throws Exception {
        Map<String, Object> document = signed("node:beta", "alpha", "migrate_in", "2026-12-03T17:00:00Z",
                "2026-12-03T17:05:00Z", "n-node", "{\"name\": \"c1\", \"from_node\": \"beta\"}", testKey);
        assertTrue(assertThrows(InvalidCommandException.class, () -> SignedCommand.of(document)).reason()
                .contains("carries its certificate"));

        document.put("certificate", Base64.getEncoder().encodeToString(TEST_PUBLIC_KEY.getBytes(StandardCharsets.US_ASCII)));

        assertTrue(refusal(document, "migrate_in").startsWith("bad signature: not signed with node beta's certificate"));
    }

    @Test
    void theRetainedCommandTakenLastIsTakenAgainAfterItsTimeAndARestart() throws Exception {
        Map<String, Object> standing = signed("test-operator", "alpha", "desired_state", "2026-12-03T17:00:00Z",
                "2026-12-03T17:05:00Z", "n-standing", "{\"agents\": []}", testKey);
        check.verify(SignedCommand.of(standing).orElseThrow(), "desired_state", false); // live, to a node subscribed then
        Clock nextDay = Clock.fixed(now.plus(java.time.Duration.ofDays(1)), ZoneOffset.UTC);
        SignatureCheck restarted = new SignatureCheck("alpha", OperatorKeys.load(root.resolve("etc/operators")), NO_FLEET_CA,
                new NonceLedger(root.resolve("data/nonces"), nextDay), nextDay);

        assertEquals("{\"agents\": []}", restarted.verify(SignedCommand.of(standing).orElseThrow(), "desired_state", true)
                .command());
        assertTrue(assertThrows(InvalidCommandException.class, () -> restarted.verify(SignedCommand.of(standing)
                .orElseThrow(), "desired_state", false)).reason().startsWith("expired"), "only as the retained message");
    }

    @Test
    void aLedgerLineCutShortByACrashIsACommandThatNeverRan() throws Exception {
        check.verify(SignedCommand.of(example()).orElseThrow(), "spawn");
        Files.writeString(root.resolve("data/nonces"), "2026-12-03T17:06:00Z n-cut", java.nio.file.StandardOpenOption.APPEND);

        check = newCheck();

        assertTrue(refusal(example(), "spawn").startsWith("replayed"), "what was written whole is remembered");
        check.verify(SignedCommand.of(signed("test-operator", "alpha", "spawn", "2026-12-03T17:00:00Z",
                "2026-12-03T17:05:00Z", "n-cut", EXAMPLE_COMMAND, testKey)).orElseThrow(), "spawn");
        check = newCheck();
        assertTrue(refusal(example(), "spawn").startsWith("replayed"), "and the ledger reads whole after the next line");
    }

    @Test
    void onlyAStandingOrderIsTakenAgainWhenRetainedAndNoOlderOneRollsItBack() throws Exception {
        check.verify(SignedCommand.of(example()).orElseThrow(), "spawn");
        assertTrue(refusal(example(), "spawn", true).startsWith("replayed"), "a spawn published retained is a replay");

        Map<String, Object> older = signed("test-operator", "alpha", "desired_state", "2026-12-03T16:58:00Z",
                "2026-12-03T17:03:00Z", "n-older", "{\"agents\": []}", testKey);
        Map<String, Object> newer = signed("test-operator", "alpha", "desired_state", "2026-12-03T17:00:00Z",
                "2026-12-03T17:05:00Z", "n-newer", "{\"agents\": []}", testKey);
        check.verify(SignedCommand.of(newer).orElseThrow(), "desired_state");

        assertTrue(refusal(older, "desired_state", false).startsWith("older than the desired_state in force"));
    }

    private String refusal(Map<String, Object> document, String kind, boolean retained) {
        return assertThrows(InvalidCommandException.class, () -> check.verify(SignedCommand.of(document).orElseThrow(), kind,
                retained)).reason();
    }
}
