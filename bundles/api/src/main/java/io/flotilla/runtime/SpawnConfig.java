package io.flotilla.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.flotilla.api.AgentConfig;

/**
 * One agent's spawn configuration, validated. The same document travels in MQTT spawn commands,
 * {@code agent:spawn} files, {@code *.agent.json} descriptors and migrations; {@link #fromMap}
 * checks it and {@link #toMap} gives it back, unknown fields included.
 *
 * <p>Durations are seconds on the wire ({@code "poll_interval": 0.5}).
 */
public final class SpawnConfig implements AgentConfig {

    /** Agent, type and node names: letters, digits, {@code . _ -}, 1 to 64, not starting with a dot. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_RESTARTS = 5;
    public static final Duration DEFAULT_RESTART_DELAY = Duration.ofSeconds(3);
    public static final Duration DEFAULT_MAX_RESTART_DELAY = Duration.ofSeconds(60);
    public static final Duration DEFAULT_INSTALL_TIMEOUT = Duration.ofSeconds(60);

    /** The type of agents whose code is in their document ({@code code}) rather than in a bundle. */
    public static final String DYNAMIC_TYPE = "dynamic";
    public static final String JAVA = "java";
    public static final String PYTHON = "python";
    /** The languages of {@code code} a node knows; each node accepts those its security settings name. */
    public static final List<String> SOURCE_LANGUAGES = List.of(JAVA, PYTHON);

    /** Locations a spawn may install from; everything else is refused. */
    public static final List<String> LOCATION_SCHEMES = List.of("mvn:", "file:", "feature:");

    /** Below it, polling burns a core for nothing: 1e-9 s took 65 % of one per agent. */
    private static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(1);

    private final String name;
    private final String node;
    private final String type;
    private final String bundle;
    private final String sha256;
    private final List<String> install;
    private final String description;
    private final Duration pollInterval;
    private final int maxRestarts;
    private final Duration restartDelay;
    private final Duration maxRestartDelay;
    private final RestartType restart;
    private final double restartJitter;
    private final Duration processTimeout;
    private final Duration installTimeout;
    private final boolean replace;
    private final List<String> capabilities;
    private final List<String> requires;
    private final Map<String, Object> settings;
    private final Map<String, Object> extras;
    private final String code;
    private final String language;
    private final List<String> packages;

    private SpawnConfig(SpawnFields f) {
        this.name = f.requiredName("name");
        this.node = f.optionalName("node");
        this.type = f.requiredName("type");
        this.bundle = f.optionalLocation("bundle");
        this.sha256 = f.optionalText("sha256", SpawnFields.SHA256, "must be 64 hex digits");
        boolean dynamic = DYNAMIC_TYPE.equals(type);
        // A dynamic agent's install entries are packages of its language, which its runtime installs
        this.install = dynamic ? List.of() : f.locations("install");
        this.packages = dynamic ? f.packages("install") : List.of();
        this.code = dynamic ? f.sourceCode("code") : null;
        this.language = dynamic ? f.language("language") : null;
        this.description = f.optionalText("description", null, null);
        this.pollInterval = f.seconds("poll_interval", DEFAULT_POLL_INTERVAL, false);
        this.maxRestarts = f.integer("max_restarts", DEFAULT_MAX_RESTARTS, 0, SpawnFields.MAX_RESTARTS_LIMIT);
        this.restartDelay = f.seconds("restart_delay", DEFAULT_RESTART_DELAY, false);
        this.maxRestartDelay = f.seconds("max_restart_delay", DEFAULT_MAX_RESTART_DELAY, false);
        this.restart = f.restartType("restart");
        this.restartJitter = f.fraction("restart_jitter");
        this.processTimeout = f.seconds("process_timeout", Duration.ZERO, false);
        this.installTimeout = f.seconds("install_timeout", DEFAULT_INSTALL_TIMEOUT, true);
        this.replace = f.flag("replace");
        this.capabilities = f.capabilities("capabilities");
        this.requires = f.capabilities("requires");
        this.settings = f.object("config");
        this.extras = f.unknownFields();
        if (dynamic && bundle != null) {
            throw new InvalidSpawnConfigException("bundle", "an agent of type " + DYNAMIC_TYPE + " brings its code in 'code'");
        }
        if (!dynamic && (f.has("code") || f.has("language"))) {
            throw new InvalidSpawnConfigException(f.has("code") ? "code" : "language",
                    "is for agents of type " + DYNAMIC_TYPE + ", and this one is of type " + type);
        }
        if (sha256 != null && bundle == null) {
            throw new InvalidSpawnConfigException("sha256", "pins a bundle, but the config has no 'bundle'");
        }
        if (!pollInterval.isZero() && pollInterval.compareTo(MIN_POLL_INTERVAL) < 0) {
            throw new InvalidSpawnConfigException("poll_interval", "must be 0 (never) or at least "
                    + seconds(MIN_POLL_INTERVAL) + " s, got " + seconds(pollInterval));
        }
        if (maxRestartDelay.compareTo(restartDelay) < 0) {
            throw new InvalidSpawnConfigException("max_restart_delay",
                    "must not be below restart_delay (" + seconds(restartDelay) + " s)");
        }
    }

    /**
     * Validates a spawn document (as parsed from JSON: maps, lists, strings, numbers, booleans).
     *
     * @throws InvalidSpawnConfigException naming the first field that is wrong and why
     */
    public static SpawnConfig fromMap(Map<String, ?> document) {
        if (document == null) {
            throw new InvalidSpawnConfigException("document", "is missing");
        }
        return new SpawnConfig(new SpawnFields(document));
    }

    /** The document form, as {@link #fromMap} accepts it; defaults are written out. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        putIfPresent(out, "node", node);
        out.put("type", type);
        putIfPresent(out, "bundle", bundle);
        putIfPresent(out, "sha256", sha256);
        if (!install.isEmpty() || !packages.isEmpty()) {
            out.put("install", code == null ? install : packages);
        }
        putIfPresent(out, "description", description);
        out.put("poll_interval", seconds(pollInterval));
        out.put("max_restarts", maxRestarts);
        out.put("restart_delay", seconds(restartDelay));
        out.put("max_restart_delay", seconds(maxRestartDelay));
        out.put("restart", restart.wireName());
        if (restartJitter > 0) {
            out.put("restart_jitter", restartJitter);
        }
        if (!processTimeout.isZero()) {
            out.put("process_timeout", seconds(processTimeout));
        }
        out.put("install_timeout", seconds(installTimeout));
        if (replace) {
            out.put("replace", true);
        }
        if (!capabilities.isEmpty()) {
            out.put("capabilities", capabilities);
        }
        if (!requires.isEmpty()) {
            out.put("requires", requires);
        }
        out.put("config", settings);
        putIfPresent(out, "language", language);
        putIfPresent(out, "code", code);
        out.putAll(extras);
        return out;
    }

    /** A copy with some fields replaced, validated again. */
    public SpawnConfig with(Map<String, ?> changes) {
        Map<String, Object> document = toMap();
        changes.forEach((key, value) -> {
            if (value == null) {
                document.remove(key);
            } else {
                document.put(key, value);
            }
        });
        return fromMap(document);
    }

    private static void putIfPresent(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    @Override
    public String name() {
        return name;
    }

    /** The node the spawn is addressed to, when it names one. */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    @Override
    public String type() {
        return type;
    }

    /** The bundle that provides the type, installed when the type is missing. */
    public Optional<String> bundle() {
        return Optional.ofNullable(bundle);
    }

    /** The sha256 the bundle's bytes must have, when pinned. */
    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    /**
     * Further locations ({@code mvn:}, {@code file:}, {@code feature:name/version}) installed first;
     * none for a dynamic agent, whose {@code install} are {@link #packages}.
     */
    public List<String> install() {
        return install;
    }

    /** The packages a dynamic agent's code needs ({@code install}), installed by its language's runtime. */
    public List<String> packages() {
        return packages;
    }

    /** A dynamic agent's source code. */
    @Override
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    /** The language of a dynamic agent's code: {@code java} or {@code python} (the default). */
    @Override
    public Optional<String> language() {
        return Optional.ofNullable(language);
    }

    @Override
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    @Override
    public Duration pollInterval() {
        return pollInterval;
    }

    public int maxRestarts() {
        return maxRestarts;
    }

    public Duration restartDelay() {
        return restartDelay;
    }

    public Duration maxRestartDelay() {
        return maxRestartDelay;
    }

    public RestartType restart() {
        return restart;
    }

    /** Spread of the back-off, 0..1: a delay d becomes a value in {@code [d(1-j), d(1+j)]}. */
    public double restartJitter() {
        return restartJitter;
    }

    /** How long one {@code process()} may take before it counts as failed; zero means no limit. */
    public Duration processTimeout() {
        return processTimeout;
    }

    /** How long a spawn waits for its type to appear after installing its bundle. */
    public Duration installTimeout() {
        return installTimeout;
    }

    public boolean replace() {
        return replace;
    }

    public List<String> capabilities() {
        return capabilities;
    }

    /** Capabilities a node must have to be chosen for this agent when no node is named. */
    public List<String> requires() {
        return requires;
    }

    @Override
    public Map<String, Object> settings() {
        return settings;
    }

    /** Fields the node does not interpret, kept and passed to the agent. */
    public Map<String, Object> extras() {
        return extras;
    }

    @Override
    public Optional<Object> setting(String key) {
        Object value = settings.get(key);
        return Optional.ofNullable(value != null ? value : extras.get(key));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SpawnConfig that && toMap().equals(that.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "SpawnConfig" + toMap();
    }
}
