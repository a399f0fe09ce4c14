package io.flotilla.core.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.util.Json;

class JsonSpawnConfigReaderTest {

    private final JsonSpawnConfigReader reader = readerWithLimit(1024);

    private static JsonSpawnConfigReader readerWithLimit(int spawnMaxBytes) {
        SecurityPolicy policy = new SecurityPolicy(spawnMaxBytes, 256 * 1024, List.of("mvn:"), List.of(), 1024 * 1024);
        return new JsonSpawnConfigReader(new CommandGate("node", policy, new Json()), new Json());
    }

    @Test
    void aValidDocumentIsReadAndWrittenBack() {
        SpawnConfig config = reader.read("{\"name\": \"c1\", \"type\": \"counter\", \"config\": {\"step\": 2}}");

        assertEquals(2, config.getInt("step", 1));
        assertEquals(config, reader.read(reader.write(config)));
    }

    @Test
    void anOversizedDocumentIsRefusedBeforeItIsParsed() {
        String big = "{\"name\": \"c1\", \"type\": \"counter\", \"description\": \"" + "x".repeat(2000) + "\"}";
        InvalidSpawnConfigException e = assertThrows(InvalidSpawnConfigException.class, () -> reader.read(big));
        assertEquals("document", e.field());
        assertTrue(e.reason().contains("over the limit of 1024 bytes"), e.reason());
    }

    @Test
    void malformedJsonSaysWhere() {
        InvalidSpawnConfigException e = assertThrows(InvalidSpawnConfigException.class,
                () -> reader.read("{\"name\": \"c1\",\n \"type\": }"));
        assertEquals("document", e.field());
        assertTrue(e.reason().startsWith("is not valid JSON at line 2"), e.reason());
    }

    @Test
    void aDocumentThatIsNotAnObjectIsRefused() {
        InvalidSpawnConfigException e = assertThrows(InvalidSpawnConfigException.class, () -> reader.read("[1, 2]"));
        assertTrue(e.reason().contains("expected a JSON object, got array"), e.reason());
    }

    @Test
    void trailingGarbageIsRefused() {
        assertThrows(InvalidSpawnConfigException.class, () -> reader.read("{\"name\": \"c1\", \"type\": \"t\"} {}"));
    }

    @Test
    void deeplyNestedDocumentsAreRefused() {
        String deep = "{\"name\": \"c1\", \"type\": \"t\", \"config\": " + "[".repeat(100) + "]".repeat(100) + "}";
        assertThrows(InvalidSpawnConfigException.class, () -> readerWithLimit(64 * 1024).read(deep));
    }
}
