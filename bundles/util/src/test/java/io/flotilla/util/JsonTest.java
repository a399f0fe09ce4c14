package io.flotilla.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;

class JsonTest {

    private final Json json = new Json();

    @Test
    void aFieldGivenTwiceIsRefusedWhereverItIs() {
        for (String document : new String[] {"{\"name\": \"a\", \"name\": \"b\"}",
                "{\"config\": {\"step\": 1, \"step\": 2}}"}) {
            JsonProcessingException refused = assertThrows(JsonProcessingException.class,
                    () -> json.parseObject(document.getBytes(StandardCharsets.UTF_8)));
            assertTrue(refused.getOriginalMessage().contains("Duplicate field"), refused.getOriginalMessage());
        }
    }

    @Test
    void theSameNameInDifferentObjectsIsFine() throws Exception {
        assertEquals("a", json.parseObject("{\"name\": \"a\", \"config\": {\"name\": \"b\"}}"
                .getBytes(StandardCharsets.UTF_8)).get("name"));
    }
}
