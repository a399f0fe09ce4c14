package io.flotilla.core.internal.command;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.flotilla.runtime.InvalidCommandException;
import io.flotilla.runtime.InvalidSpawnConfigException;

/**
 * Where the node takes code from, checked the same way for a spawn's {@code bundle} and
 * {@code install}, and for the bundle a migration brings: every location is parsed first, then
 * compared with the allowlist of {@code etc/io.flotilla.security.cfg}, before anything reads it.
 * <ul>
 * <li>{@code mvn:group/artifact[/version[/type[/classifier]]]}: from the node's own repositories
 *     ({@code org.ops4j.pax.url.mvn.cfg}); a location that names a repository of its own
 *     ({@code mvn:http://host/repo!group/artifact/1.0}) is refused. An allowed prefix may narrow the
 *     groups ({@code mvn:com.example/}).</li>
 * <li>{@code file:/absolute/path}: only within an allowed directory ({@code file:/opt/agents/}),
 *     compared after the path is normalised, so that {@code ..} cannot climb out.</li>
 * <li>{@code feature:name[/version]}: only a feature the allowlist names.</li>
 * </ul>
 * A refusal never says more about the node's files than the location itself did.
 */
public final class CodeLocations {

    private static final String MVN = "mvn:";
    private static final String FILE = "file:";
    private static final String FEATURE = "feature:";
    // Each part starts with a letter, digit or '_': no "..", no hidden names.
    private static final String PART = "[A-Za-z0-9_][A-Za-z0-9_.-]*";
    private static final Pattern COORDINATES = Pattern.compile(
            PART + "/" + PART + "(/(" + PART + ")?(/(" + PART + ")?(/(" + PART + ")?)?)?)?");
    private static final Pattern FEATURE_NAME = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?");

    private final List<String> mavenPrefixes = new ArrayList<>();
    private final List<Path> directories = new ArrayList<>();
    private final List<String> features;

    /**
     * @param allowed  {@code bundle.locations}: {@code mvn:} prefixes and {@code file:} directories
     * @param features {@code features}: the feature names a spawn may install
     */
    public CodeLocations(List<String> allowed, List<String> features) {
        for (String prefix : allowed) {
            if (prefix.startsWith(MVN)) {
                mavenPrefixes.add(prefix);
            } else if (prefix.startsWith(FILE)) {
                Path directory = path(prefix);
                if (directory != null) {
                    directories.add(directory);
                }
            } else {
                throw new IllegalArgumentException("bundle.locations takes mvn: prefixes and file: directories, not " + prefix);
            }
        }
        this.features = List.copyOf(features);
    }

    /** The allowlist, for messages: what an operator would change. */
    public String describe() {
        List<String> all = new ArrayList<>(mavenPrefixes);
        directories.forEach(directory -> all.add(FILE + directory + "/"));
        features.forEach(feature -> all.add(FEATURE + feature));
        return all.toString();
    }

    /** Refuses a spawn's location that the node may not take code from, naming {@code field}. */
    public void checkSpawn(String field, String location) {
        String problem = problem(location);
        if (problem != null) {
            throw new InvalidSpawnConfigException(field, problem);
        }
    }

    /** Refuses a location the node may not take code from, as a command's field. */
    public void check(String field, String location) {
        String problem = problem(location);
        if (problem != null) {
            throw new InvalidCommandException(field, problem);
        }
    }

    /** Why the node may not take code from {@code location}, or null when it may. */
    public String problem(String location) {
        if (location.startsWith(MVN)) {
            return mavenProblem(location);
        }
        if (location.startsWith(FILE)) {
            return fileProblem(location);
        }
        if (location.startsWith(FEATURE)) {
            return featureProblem(location.substring(FEATURE.length()));
        }
        return "must be mvn:group/artifact/version, a file: in an allowed directory, or feature:name, got '"
                + shorten(location) + "'";
    }

    /** The file a {@code file:} location names, normalised, or null when it is not an absolute file URI. */
    public static Path path(String location) {
        try {
            URI uri = new URI(location);
            if (!"file".equals(uri.getScheme()) || uri.getRawAuthority() != null || uri.getPath() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return null;
            }
            Path path = Path.of(uri.getPath());
            return path.isAbsolute() ? path.normalize() : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private String mavenProblem(String location) {
        String coordinates = location.substring(MVN.length());
        if (coordinates.contains("!") || coordinates.contains("@") || coordinates.contains(":")) {
            return "names a repository of its own ('" + shorten(location) + "'): a mvn: location names an artifact "
                    + "(mvn:group/artifact/version), which comes from the node's own repositories";
        }
        if (!COORDINATES.matcher(coordinates).matches()) {
            return "must be mvn:group/artifact[/version[/type[/classifier]]], got '" + shorten(location) + "'";
        }
        if (mavenPrefixes.stream().noneMatch(location::startsWith)) {
            return "is not an allowed location: bundle.locations in io.flotilla.security.cfg allows " + describe();
        }
        return null;
    }

    private String fileProblem(String location) {
        Path path = path(location);
        if (path == null) {
            return "must be a file: URI with an absolute path, got '" + shorten(location) + "'";
        }
        if (directories.stream().noneMatch(path::startsWith) || !realPathAllowed(path)) {
            return "is not an allowed location: bundle.locations in io.flotilla.security.cfg allows " + describe();
        }
        return null;
    }

    /**
     * Whether a file within an allowed directory stays there once symbolic links are followed: a link
     * in {@code deploy/} to {@code /etc/shadow} is no way out. Asked only of paths inside the
     * allowlist, so that nothing is learnt of files outside it.
     */
    private boolean realPathAllowed(Path path) {
        if (!Files.exists(path)) {
            return true; // nothing to read: the install fails on its own
        }
        try {
            Path real = path.toRealPath();
            return directories.stream().map(CodeLocations::real).anyMatch(real::startsWith);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path real(Path directory) {
        try {
            return directory.toRealPath();
        } catch (IOException e) {
            return directory;
        }
    }

    private String featureProblem(String spec) {
        if (!FEATURE_NAME.matcher(spec).matches()) {
            return "must be feature:name or feature:name/version, got 'feature:" + shorten(spec) + "'";
        }
        String name = spec.contains("/") ? spec.substring(0, spec.indexOf('/')) : spec;
        if (!features.contains(name)) {
            return "names feature " + name + ", which a spawn may not install: features in io.flotilla.security.cfg "
                    + "allows " + (features.isEmpty() ? "none" : features);
        }
        return null;
    }

    private static String shorten(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
}
