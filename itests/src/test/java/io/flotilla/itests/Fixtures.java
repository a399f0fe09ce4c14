package io.flotilla.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.flotilla.itests.fixtures.CountingGreeter;
import io.flotilla.itests.fixtures.GreeterV1;
import io.flotilla.itests.fixtures.GreeterV2;
import io.flotilla.itests.fixtures.MarkerActivator;

/**
 * Bundles the tests install: agent types made the way authors make them, a prototype DS component
 * with {@code agent.type}. Built on the test driver's side, before the container starts. The
 * benchmarks use them too.
 */
public final class Fixtures {

    static final String GREETER_BSN = "flotilla-fixture-greeter";

    private Fixtures() {
    }

    /** Builds every fixture into {@code directory}. */
    static void buildAll(Path directory) {
        try {
            Files.createDirectories(directory);
            agentBundle(directory.resolve("greeter-v1.jar"), GREETER_BSN, "1.0.0", GreeterV1.class, "greeter", true, null);
            agentBundle(directory.resolve("greeter-v2.jar"), GREETER_BSN, "2.0.0", GreeterV2.class, "greeter", true, null);
            agentBundle(directory.resolve("hello.jar"), "flotilla-fixture-hello", "1.0.0", GreeterV1.class, "hello", false, null);
            agentBundle(directory.resolve("pinned.jar"), "flotilla-fixture-pinned", "1.0.0", GreeterV1.class, "pinned", false, null);
            agentBundle(directory.resolve("unresolvable.jar"), "flotilla-fixture-unresolvable", "1.0.0", GreeterV1.class,
                    "unresolvable", false, "com.example.nowhere;version=\"[1,2)\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where {@link #traveller} puts its bundle, as a Maven location. */
    static final String TRAVELLER = "mvn:io.flotilla.fixtures/flotilla-fixture-traveller/1.0.0";

    /**
     * The bundle of agent type {@code traveller} (a greeter), laid out in the Maven repository at
     * {@code repository} as {@link #TRAVELLER}: for a node that can resolve it when others cannot.
     */
    static String traveller(Path repository) throws IOException {
        return greeterInRepository(repository, "flotilla-fixture-traveller", "traveller");
    }

    /**
     * A bundle of its own (symbolic name {@code artifactId}) with agent type {@code type}, a greeter,
     * laid out in the Maven repository at {@code repository}; returns its {@code mvn:} location.
     */
    public static String greeterInRepository(Path repository, String artifactId, String type) throws IOException {
        Path jar = repository.resolve("io/flotilla/fixtures/" + artifactId + "/1.0.0/" + artifactId + "-1.0.0.jar");
        Files.createDirectories(jar.getParent());
        agentBundle(jar, artifactId, "1.0.0", GreeterV1.class, type, false, null);
        return "mvn:io.flotilla.fixtures/" + artifactId + "/1.0.0";
    }

    /**
     * A bundle with one agent type: {@code type} implemented by {@code agentClass}, optionally
     * autostarted, optionally importing a package nothing exports.
     */
    private static void agentBundle(Path jar, String symbolicName, String version, Class<?> agentClass, String type,
            boolean autostart, String extraImport) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue("Import-Package", "io.flotilla.api;version=\"[1.0,2)\"" + (extraImport == null ? "" : "," + extraImport));
        main.putValue("Service-Component", "OSGI-INF/agent.xml");
        String component = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + agentClass.getName() + "\">\n"
                + "  <property name=\"agent.type\" type=\"String\" value=\"" + type + "\"/>\n"
                + (autostart ? "  <property name=\"agent.autostart\" type=\"Boolean\" value=\"true\"/>\n" : "")
                + "  <service scope=\"prototype\"><provide interface=\"io.flotilla.api.Agent\"/></service>\n"
                + "  <implementation class=\"" + agentClass.getName() + "\"/>\n"
                + "</scr:component>\n";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            addClass(out, CountingGreeter.class);
            addClass(out, agentClass);
            out.putNextEntry(new JarEntry("OSGI-INF/agent.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    /**
     * A stranger's bundle: when started, it writes {@code marker}. It also has agent type
     * {@code type}, so that a node would run an agent from it too. Returns its bytes.
     */
    public static byte[] markerBundle(Path jar, String symbolicName, Path marker, String type) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", MarkerActivator.class.getName());
        main.putValue("Import-Package", "org.osgi.framework,io.flotilla.api;version=\"[1.0,2)\"");
        main.putValue("Flotilla-Marker", marker.toAbsolutePath().toString());
        main.putValue("Service-Component", "OSGI-INF/agent.xml");
        String component = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + symbolicName + "\">\n"
                + "  <property name=\"agent.type\" type=\"String\" value=\"" + type + "\"/>\n"
                + "  <service scope=\"prototype\"><provide interface=\"io.flotilla.api.Agent\"/></service>\n"
                + "  <implementation class=\"" + GreeterV1.class.getName() + "\"/>\n"
                + "</scr:component>\n";
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            addClass(out, MarkerActivator.class);
            addClass(out, CountingGreeter.class);
            addClass(out, GreeterV1.class);
            out.putNextEntry(new JarEntry("OSGI-INF/agent.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return Files.readAllBytes(jar);
    }

    private static void addClass(JarOutputStream out, Class<?> type) throws IOException {
        String path = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("class file of " + type.getName() + " not found");
            }
            out.putNextEntry(new JarEntry(path));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
