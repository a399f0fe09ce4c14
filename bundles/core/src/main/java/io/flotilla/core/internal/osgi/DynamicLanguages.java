package io.flotilla.core.internal.osgi;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.runtime.SpawnConfig;

/**
 * {@code dynamic.languages} of {@code io.flotilla.security}: which languages of agents from source the
 * node runs. Source in a spawn is code anyone who may spawn runs on the node, so {@code auto} (the
 * default) allows it only while the broker is on loopback, where nobody else can send a spawn.
 */
final class DynamicLanguages {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicLanguages.class);
    static final String AUTO = "auto";

    private DynamicLanguages() {
    }

    /**
     * @param configured the setting, as the configuration gives it (blank entries are ignored)
     * @param reachable  the broker's address when it is not on loopback
     */
    static Set<String> of(String[] configured, Optional<String> reachable) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String entry : configured) {
            for (String part : entry.split(",")) {
                String language = part.trim().toLowerCase(Locale.ROOT);
                if (!language.isEmpty()) {
                    wanted.add(language);
                }
            }
        }
        if (wanted.remove(AUTO)) {
            if (reachable.isPresent()) {
                LOG.info("dynamic.languages is auto and the broker at {} is not on loopback: this node runs no agents from "
                        + "source (set dynamic.languages = java, python to allow them)", reachable.get());
            } else {
                wanted.addAll(SpawnConfig.SOURCE_LANGUAGES);
            }
        }
        for (String language : Set.copyOf(wanted)) {
            if (!SpawnConfig.SOURCE_LANGUAGES.contains(language)) {
                LOG.warn("dynamic.languages names '{}', which is not a language of agents from source (those are {})",
                        language, String.join(", ", SpawnConfig.SOURCE_LANGUAGES));
                wanted.remove(language);
            }
        }
        return Set.copyOf(wanted);
    }
}
