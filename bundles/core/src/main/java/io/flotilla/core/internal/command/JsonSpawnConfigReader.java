package io.flotilla.core.internal.command;

import java.nio.charset.StandardCharsets;

import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;
import io.flotilla.util.Json;

/** Spawn documents read as the command gate reads them: its size limit, its JSON rules, its field checks. */
public final class JsonSpawnConfigReader implements SpawnConfigReader {

    private final CommandGate gate;
    private final Json json;

    public JsonSpawnConfigReader(CommandGate gate, Json json) {
        this.gate = gate;
        this.json = json;
    }

    @Override
    public SpawnConfig read(byte[] document) {
        return gate.readSpawnConfig(document);
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
        return gate.policy().spawnMaxBytes();
    }
}
