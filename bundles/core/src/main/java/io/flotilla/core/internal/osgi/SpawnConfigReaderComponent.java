package io.flotilla.core.internal.osgi;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

import io.flotilla.core.internal.json.Json;
import io.flotilla.core.internal.json.JsonSpawnConfigReader;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;

/** The node's {@link SpawnConfigReader}, with the size limit of {@code io.flotilla.security}. */
@Component(service = SpawnConfigReader.class, configurationPid = SecurityConfig.PID)
@Designate(ocd = SecurityConfig.class)
public final class SpawnConfigReaderComponent implements SpawnConfigReader {

    private final JsonSpawnConfigReader reader;

    @Activate
    public SpawnConfigReaderComponent(SecurityConfig config) {
        this.reader = new JsonSpawnConfigReader(new Json(), config.spawn_max_bytes());
    }

    @Override
    public SpawnConfig read(byte[] json) {
        return reader.read(json);
    }

    @Override
    public SpawnConfig read(String json) {
        return reader.read(json);
    }

    @Override
    public String write(SpawnConfig config) {
        return reader.write(config);
    }

    @Override
    public int maxDocumentBytes() {
        return reader.maxDocumentBytes();
    }
}
