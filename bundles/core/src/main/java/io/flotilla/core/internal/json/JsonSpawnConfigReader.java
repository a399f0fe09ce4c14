package io.flotilla.core.internal.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;

/** Reads spawn documents with a size limit, then validates them with {@link SpawnConfig#fromMap}. */
public final class JsonSpawnConfigReader implements SpawnConfigReader {

    private final Json json;
    private final int maxBytes;

    public JsonSpawnConfigReader(Json json, int maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    @Override
    public SpawnConfig read(byte[] document) {
        return SpawnConfig.fromMap(readDocument(document, json, maxBytes));
    }

    @Override
    public SpawnConfig read(String document) {
        return read(document.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String write(SpawnConfig config) {
        return json.toPrettyString(config.toMap());
    }

    @Override
    public int maxDocumentBytes() {
        return maxBytes;
    }

    /** Parses a JSON object of at most {@code maxBytes}, refusing anything else with a clear reason. */
    public static Map<String, Object> readDocument(byte[] document, Json json, int maxBytes) {
        if (document.length > maxBytes) {
            throw new InvalidSpawnConfigException("document",
                    "is " + document.length + " bytes, over the limit of " + maxBytes + " bytes");
        }
        try {
            return json.parseObject(document);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidSpawnConfigException("document", "is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidSpawnConfigException("document", "is not a JSON object: " + e.getMessage());
        }
    }
}
