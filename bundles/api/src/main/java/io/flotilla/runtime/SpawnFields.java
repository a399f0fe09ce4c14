package io.flotilla.runtime;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks the fields of one document, naming the field in every refusal. */
final class SpawnFields {

    static final double MAX_SECONDS = 365 * 24 * 3600.0;
    static final int MAX_RESTARTS_LIMIT = 10_000;
    static final int MAX_TEXT = 1024;
    static final int MAX_LIST = 64;
    static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    static final Pattern CAPABILITY = Pattern.compile("[A-Za-z0-9._:=-]{1,64}");

    static final Set<String> KNOWN_FIELDS = Set.of("name", "node", "type", "bundle", "sha256", "install",
            "description", "poll_interval", "max_restarts", "restart_delay", "max_restart_delay", "restart",
            "restart_jitter", "process_timeout", "install_timeout", "replace", "capabilities", "requires", "config", "code",
            "language");
    /**
     * A package a dynamic agent installs: a name as PyPI has them, with extras and version bounds, and
     * nothing pip would read as an option, a path or a URL ({@code --index-url}, {@code ./x}, {@code git+https:}).
     */
    /** What pip would take for a file of the working directory rather than a package's name. */
    static final Pattern ARCHIVE = Pattern.compile("(?i)\\.(whl|zip|tar|gz|tgz|bz2|xz|egg)$");
    static final Pattern PACKAGE = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9._-]{0,98}[A-Za-z0-9])?(\\[[A-Za-z0-9._,-]{1,64}])?"
                    + "([<>=!~]=?=?[A-Za-z0-9.*+!_-]{1,32}(,[<>=!~]=?=?[A-Za-z0-9.*+!_-]{1,32}){0,3})?");

    private final Map<String, ?> document;

    SpawnFields(Map<String, ?> document) {
        this.document = document;
        for (Object key : document.keySet()) {
            if (!(key instanceof String)) {
                throw new InvalidSpawnConfigException(String.valueOf(key), "is not a text field name");
            }
        }
    }

    String requiredName(String field) {
        String value = optionalName(field);
        if (value == null) {
            throw new InvalidSpawnConfigException(field, "is required");
        }
        return value;
    }

    String optionalName(String field) {
        String value = text(field);
        if (value != null && !SpawnConfig.NAME.matcher(value).matches()) {
            throw new InvalidSpawnConfigException(field,
                    "must be 1 to 64 of A-Z a-z 0-9 . _ - and not start with '.', got " + quote(value));
        }
        return value;
    }

    String optionalText(String field, Pattern pattern, String rule) {
        String value = text(field);
        if (value != null && pattern != null && !pattern.matcher(value).matches()) {
            throw new InvalidSpawnConfigException(field, rule + ", got " + quote(value));
        }
        return value;
    }

    String optionalLocation(String field) {
        String value = text(field);
        if (value != null) {
            checkLocation(field, value);
        }
        return value;
    }

    List<String> locations(String field) {
        List<String> values = textList(field);
        for (String value : values) {
            checkLocation(field, value);
        }
        return values;
    }

    /** A dynamic agent's {@code install}: packages of its language, not code locations. */
    List<String> packages(String field) {
        List<String> values = textList(field);
        for (String value : values) {
            if (!PACKAGE.matcher(value).matches() || ARCHIVE.matcher(value.split("[\\[<>=!~]", 2)[0]).find()) {
                throw new InvalidSpawnConfigException(field, "entries of a dynamic agent are package names with optional "
                        + "[extras] and version bounds (adafruit-circuitpython-dht, requests>=2.31), got " + quote(value));
            }
        }
        return values;
    }

    /** Source code: required, non-blank text of any length (the document as a whole is bounded). */
    String sourceCode(String field) {
        Object value = document.get(field);
        if (value == null) {
            throw new InvalidSpawnConfigException(field, "is required for an agent of type " + SpawnConfig.DYNAMIC_TYPE);
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new InvalidSpawnConfigException(field, "must be the agent's source code as text, got " + describe(value));
        }
        return text;
    }

    /** The language of a dynamic agent's code: Wactorz documents name none, and theirs is Python. */
    String language(String field) {
        String value = text(field);
        if (value == null) {
            return SpawnConfig.PYTHON;
        }
        String language = value.toLowerCase(Locale.ROOT);
        if (!SpawnConfig.SOURCE_LANGUAGES.contains(language)) {
            throw new InvalidSpawnConfigException(field, "must be one of " + String.join(", ", SpawnConfig.SOURCE_LANGUAGES)
                    + ", got " + quote(value));
        }
        return language;
    }

    List<String> capabilities(String field) {
        List<String> values = textList(field);
        for (String value : values) {
            if (!CAPABILITY.matcher(value).matches()) {
                throw new InvalidSpawnConfigException(field,
                        "entries must be 1 to 64 of A-Z a-z 0-9 . _ : = -, got " + quote(value));
            }
        }
        return values;
    }

    private static void checkLocation(String field, String value) {
        if (SpawnConfig.LOCATION_SCHEMES.stream().noneMatch(value::startsWith)) {
            throw new InvalidSpawnConfigException(field,
                    "must start with one of " + SpawnConfig.LOCATION_SCHEMES + ", got " + quote(value));
        }
    }

    Duration seconds(String field, Duration defaultValue, boolean positive) {
        Object value = document.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Number number)) {
            throw new InvalidSpawnConfigException(field, "must be a number of seconds, got " + describe(value));
        }
        double seconds = number.doubleValue();
        if (Double.isNaN(seconds) || seconds < 0 || (positive && seconds == 0)) {
            throw new InvalidSpawnConfigException(field,
                    "must be " + (positive ? "above zero" : "zero or more") + ", got " + number);
        }
        if (seconds > MAX_SECONDS) {
            throw new InvalidSpawnConfigException(field, "must be at most " + (long) MAX_SECONDS + " seconds, got " + number);
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    int integer(String field, int defaultValue, int min, int max) {
        Object value = document.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
            throw new InvalidSpawnConfigException(field, "must be a whole number, got " + describe(value));
        }
        double d = number.doubleValue();
        if (d < min || d > max) {
            throw new InvalidSpawnConfigException(field, "must be between " + min + " and " + max + ", got " + number);
        }
        return (int) d;
    }

    double fraction(String field) {
        Object value = document.get(field);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Number number) || !(number.doubleValue() >= 0 && number.doubleValue() <= 1)) {
            throw new InvalidSpawnConfigException(field, "must be a number from 0 to 1, got " + describe(value));
        }
        return number.doubleValue();
    }

    boolean flag(String field) {
        Object value = document.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean bool)) {
            throw new InvalidSpawnConfigException(field, "must be true or false, got " + describe(value));
        }
        return bool;
    }

    RestartType restartType(String field) {
        String value = text(field);
        if (value == null) {
            return RestartType.PERMANENT;
        }
        try {
            return RestartType.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSpawnConfigException(field,
                    "must be one of permanent, transient, temporary, got " + quote(value));
        }
    }

    Map<String, Object> object(String field) {
        Object value = document.get(field);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidSpawnConfigException(field, "must be an object, got " + describe(value));
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return Collections.unmodifiableMap(copy);
    }

    Map<String, Object> unknownFields() {
        Map<String, Object> unknown = new LinkedHashMap<>();
        document.forEach((key, value) -> {
            if (!KNOWN_FIELDS.contains(key)) {
                unknown.put(key, value);
            }
        });
        return Collections.unmodifiableMap(unknown);
    }

    boolean has(String field) {
        return document.get(field) != null;
    }

    private String text(String field) {
        Object value = document.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new InvalidSpawnConfigException(field, "must be text, got " + describe(value));
        }
        if (text.length() > MAX_TEXT) {
            throw new InvalidSpawnConfigException(field, "must be at most " + MAX_TEXT + " characters, got " + text.length());
        }
        return text;
    }

    private List<String> textList(String field) {
        Object value = document.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidSpawnConfigException(field, "must be a list of text, got " + describe(value));
        }
        if (list.size() > MAX_LIST) {
            throw new InvalidSpawnConfigException(field, "must have at most " + MAX_LIST + " entries, got " + list.size());
        }
        for (Object entry : list) {
            if (!(entry instanceof String text) || text.isEmpty() || text.length() > MAX_TEXT) {
                throw new InvalidSpawnConfigException(field, "entries must be non-empty text, got " + describe(entry));
            }
        }
        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>) list;
        return List.copyOf(texts);
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String kind = value instanceof String ? "text"
                : value instanceof Boolean ? "a boolean"
                : value instanceof Number ? "a number"
                : value instanceof Map ? "an object"
                : value instanceof List ? "a list"
                : value.getClass().getSimpleName();
        String shown = value instanceof String s ? quote(s) : String.valueOf(value);
        return kind + " " + (shown.length() > 60 ? shown.substring(0, 60) + "…" : shown);
    }

    private static String quote(String value) {
        String shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
        return "'" + shown + "'";
    }
}
