package io.flotilla.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.flotilla.spi.handoff.AgentCode.CodeSource;

/** What a node accepts as an agent moving in, and the reasons it gives when it does not. */
class MigrationMessagesTest {

    private static Map<String, Object> offer() {
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("name", "c1");
        offer.put("epoch", 3);
        offer.put("from_node", "hub");
        offer.put("actor_id", "6a0f");
        offer.put("config", Map.of("name", "c1", "type", "counter", "node", "east"));
        Map<String, Object> state = new HashMap<>();
        state.put("count", 41);
        state.put("note", null);
        offer.put("state", state);
        offer.put("code", Map.of("location", "mvn:g/a/1", "symbolic_name", "a", "version", "1.0.0",
                "sha256", "ab".repeat(32), "size", 1234));
        return offer;
    }

    private static String refusal(Map<String, Object> offer) {
        return assertThrows(IllegalArgumentException.class, () -> MigrationReceiver.Arrival.of(offer)).getMessage();
    }

    @Test
    void anOfferCarriesTheSnapshotItsSenderAndItsCode() {
        MigrationReceiver.Arrival arrival = MigrationReceiver.Arrival.of(offer());

        assertEquals("c1", arrival.snapshot().name());
        assertEquals(3, arrival.snapshot().epoch());
        assertEquals("6a0f", arrival.snapshot().actorId());
        assertEquals(41, arrival.snapshot().state().get("count"));
        assertTrue(arrival.snapshot().state().containsKey("note"), "null values in state survive");
        assertEquals("hub", arrival.from());
        assertEquals(new CodeSource("mvn:g/a/1", "a", "1.0.0", "ab".repeat(32), 1234), arrival.code());
    }

    @Test
    void aBrokenOfferIsRefusedNamingWhatIsWrong() {
        Map<String, Object> noSender = offer();
        noSender.remove("from_node");
        assertEquals("'from_node' must be text", refusal(noSender));

        Map<String, Object> negative = offer();
        negative.put("epoch", -1);
        assertEquals("'epoch' must be a number of at least 0", refusal(negative));

        Map<String, Object> badConfig = offer();
        badConfig.put("config", Map.of("name", "../etc", "type", "counter"));
        assertTrue(refusal(badConfig).startsWith("invalid config: "), refusal(badConfig));
        assertTrue(refusal(badConfig).contains("name"), refusal(badConfig));

        Map<String, Object> listState = offer();
        listState.put("state", java.util.List.of(1));
        assertEquals("'state' must be an object", refusal(listState));

        Map<String, Object> codeWithoutLocation = offer();
        codeWithoutLocation.put("code", Map.of("sha256", "ab"));
        assertEquals("'code' must be an object with a 'location'", refusal(codeWithoutLocation));
    }

    @Test
    void anUnpinnedBundleHasNoHashToCheckAgainst() {
        Map<String, Object> offer = offer();
        offer.put("code", Map.of("location", "file:/opt/agents.jar", "sha256", "not-a-hash"));
        CodeSource code = MigrationReceiver.Arrival.of(offer).code();
        assertNull(code.sha256());
        offer.remove("code");
        assertNull(MigrationReceiver.Arrival.of(offer).code());
    }

    @Test
    void messagesThatAreNotJsonObjectsOrTooLargeAreRefused() {
        WireJson json = new WireJson();
        byte[] text = "not json".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> json.object(text, 100)).getMessage()
                .startsWith("message is not a JSON object"));
        byte[] large = "{\"a\": 1}".getBytes(StandardCharsets.UTF_8);
        assertEquals("message is 8 bytes, over the limit of 4 (max.bytes in io.flotilla.migration.cfg)",
                assertThrows(IllegalArgumentException.class, () -> json.object(large, 4)).getMessage());
    }
}
