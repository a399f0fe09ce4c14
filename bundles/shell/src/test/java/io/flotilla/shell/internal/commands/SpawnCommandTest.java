package io.flotilla.shell.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;

class SpawnCommandTest {

    @Test
    void typeNameAndSettingsMakeASpawnConfig() throws Exception {
        SpawnCommand command = new SpawnCommand();
        command.type = "counter";
        command.name = "c1";
        command.settings = List.of("step=2", "label=kitchen", "limits={\"max\": 9}");
        command.fields = List.of("poll_interval=0.5", "restart=transient");

        SpawnConfig config = command.config();

        assertEquals("c1", config.name());
        assertEquals("counter", config.type());
        assertEquals(Duration.ofMillis(500), config.pollInterval());
        assertEquals(Map.of("step", 2, "label", "kitchen", "limits", Map.of("max", 9)), config.settings());
    }

    @Test
    void aSpawnNeedsAFileOrTypeAndName() {
        SpawnCommand command = new SpawnCommand();
        command.type = "counter";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::config);
        assertTrue(e.getMessage().contains("--type and --name"));
    }

    @Test
    void badFieldsAreRefusedWithTheirName() {
        SpawnCommand command = new SpawnCommand();
        command.type = "counter";
        command.name = "c1";
        command.fields = List.of("poll_interval=-1");
        InvalidSpawnConfigException e = assertThrows(InvalidSpawnConfigException.class, command::config);
        assertEquals("poll_interval", e.field());
    }

    @Test
    void aPairWithoutEqualsIsRefused() {
        SpawnCommand command = new SpawnCommand();
        command.type = "counter";
        command.name = "c1";
        command.settings = List.of("step");
        assertThrows(IllegalArgumentException.class, command::config);
    }
}
