package io.flotilla.core.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;

class JsonSpawnConfigReaderTest {

    private final JsonSpawnConfigReader reader = new JsonSpawnConfigReader(new Json(), 1024);

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
        assertThrows(InvalidSpawnConfigException.class, () -> new JsonSpawnConfigReader(new Json(), 64 * 1024).read(deep));
    }
}
