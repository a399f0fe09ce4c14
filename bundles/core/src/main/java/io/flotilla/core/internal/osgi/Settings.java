package io.flotilla.core.internal.osgi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small conversions of configuration values shared by the components. */
final class Settings {

    private Settings() {
    }

    /** Splits list settings that arrive as one comma-separated string from a {@code .cfg} file. */
    static List<String> list(String[] values) {
        List<String> items = new ArrayList<>();
        for (String value : values) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
        }
        return items;
    }

    static Duration seconds(double value) {
        return Duration.ofNanos(Math.round(value * 1e9));
    }
}
