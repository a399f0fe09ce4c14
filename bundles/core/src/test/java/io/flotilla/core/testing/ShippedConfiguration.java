package io.flotilla.core.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.felix.utils.properties.InterpolationHelper;

/**
 * The project's shipped {@code etc/*.cfg} files as a node's components get them: their placeholders
 * ({@code ${env:NAME:-default}}) resolved by the interpolation Karaf applies, against an environment
 * the test chooses.
 */
public final class ShippedConfiguration {

    private ShippedConfiguration() {
    }

    /** The settings of {@code etc/PID.cfg}, with {@code environment} as the process's environment. */
    public static Map<String, String> load(String pid, Map<String, String> environment) {
        Path file = etc().resolve(pid + ".cfg");
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
        InterpolationHelper.performSubstitution(values, key -> key.startsWith("env:")
                ? environment.get(key.substring("env:".length())) : null, false, false, true);
        return values;
    }

    /** The project's {@code etc/}, found from the module the test runs in. */
    private static Path etc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("etc").resolve("io.flotilla.node.cfg"))) {
                return dir.resolve("etc");
            }
        }
        throw new IllegalStateException("no etc/ with the shipped configuration above " + Path.of("").toAbsolutePath());
    }
}
