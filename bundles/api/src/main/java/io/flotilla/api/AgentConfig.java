package io.flotilla.api;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An agent's view of its spawn configuration. Settings are looked up in the {@code config}
 * object first and then among the spawn document's other fields, so both
 * {@code {"config": {"step": 2}}} and {@code {"step": 2}} give {@code getInt("step", 1) == 2}.
 */
@ProviderType
public interface AgentConfig {

    String name();

    String type();

    Optional<String> description();

    /** How often {@link Agent#process} runs; zero means never. */
    Duration pollInterval();

    /** The {@code config} object of the spawn document, unmodifiable. */
    Map<String, Object> settings();

    /**
     * The source code of an agent of type {@code dynamic} ({@code code} of its document), which the
     * node compiles or interprets; empty for an agent whose code is in a bundle.
     *
     * @since 1.2.0
     */
    default Optional<String> code() {
        return Optional.empty();
    }

    /**
     * The language of {@link #code}: {@code java} or {@code python}.
     *
     * @since 1.2.0
     */
    default Optional<String> language() {
        return Optional.empty();
    }

    /** A setting from {@code config}, or else an unrecognised top-level field of the document. */
    Optional<Object> setting(String key);

    default String getString(String key, String defaultValue) {
        return setting(key).map(String::valueOf).orElse(defaultValue);
    }

    default long getLong(String key, long defaultValue) {
        return setting(key).map(v -> Settings.toLong(key, v)).orElse(defaultValue);
    }

    default int getInt(String key, int defaultValue) {
        return Math.toIntExact(getLong(key, defaultValue));
    }

    default double getDouble(String key, double defaultValue) {
        return setting(key).map(v -> Settings.toDouble(key, v)).orElse(defaultValue);
    }

    default boolean getBoolean(String key, boolean defaultValue) {
        return setting(key).map(v -> Settings.toBoolean(key, v)).orElse(defaultValue);
    }
}
