package io.flotilla.shell.internal.commands;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.nio.charset.StandardCharsets;

import io.flotilla.util.Json;

/** How the commands read values typed by an operator and show values back. */
final class Text {

    private static final Json JSON = new Json();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private Text() {
    }

    /** A value typed on the command line: JSON when it parses as JSON ({@code 5}, {@code true}, {@code {"a":1}}), else text. */
    static Object value(String typed) {
        return JSON.valueOrText(typed.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code k=v} pairs into a map, refusing pairs without {@code =}. */
    static Map<String, Object> pairs(String option, List<String> typed) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (typed != null) {
            for (String pair : typed) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(option + " takes key=value, got '" + pair + "'");
                }
                values.put(pair.substring(0, equals), value(pair.substring(equals + 1)));
            }
        }
        return values;
    }

    static String json(Object value) {
        try {
            return JSON.toPrettyString(value);
        } catch (RuntimeException notJson) {
            return String.valueOf(value);
        }
    }

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return String.format("%.1fs", duration.toMillis() / 1000.0);
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        StringBuilder text = new StringBuilder();
        if (days > 0) {
            text.append(days).append("d ");
        }
        if (days > 0 || hours > 0) {
            text.append(hours).append("h ");
        }
        return text.append(minutes).append("m ").append(seconds % 60).append('s').toString();
    }
}
