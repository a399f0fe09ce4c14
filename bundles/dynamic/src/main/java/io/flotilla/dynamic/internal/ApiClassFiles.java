package io.flotilla.dynamic.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import io.flotilla.api.Agent;

/**
 * The class files of the agent API ({@code io.flotilla.api}): all that agents from source compile
 * against besides the JDK. Read from the API bundle on a node, and from its jar or class directory
 * where there is no framework (unit tests).
 */
final class ApiClassFiles {

    static final String PACKAGE = Agent.class.getPackageName();
    private static final String FOLDER = PACKAGE.replace('.', '/');

    private final List<JavaFileObject> files;

    private ApiClassFiles(List<JavaFileObject> files) {
        this.files = List.copyOf(files);
    }

    static ApiClassFiles load() {
        Bundle bundle = FrameworkUtil.getBundle(Agent.class);
        List<JavaFileObject> files = new ArrayList<>();
        try {
            if (bundle != null) {
                Enumeration<URL> entries = bundle.findEntries(FOLDER, "*.class", false);
                for (URL entry : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
                    files.add(new ClassFile(entry, binaryName(entry.getPath())));
                }
            } else {
                readCodeSource(files);
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the class files of " + PACKAGE + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("found no class files of " + PACKAGE + " to compile agents against");
        }
        return new ApiClassFiles(files);
    }

    private static void readCodeSource(List<JavaFileObject> files) throws IOException, URISyntaxException {
        Path source = Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(source)) {
            try (Stream<Path> found = Files.list(source.resolve(FOLDER))) {
                for (Path file : found.filter(f -> f.toString().endsWith(".class")).toList()) {
                    files.add(new ClassFile(file.toUri().toURL(), binaryName(source.relativize(file).toString())));
                }
            }
            return;
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.startsWith(FOLDER + "/") && name.endsWith(".class") && name.indexOf('/', FOLDER.length() + 1) < 0) {
                    files.add(new ClassFile(new URL("jar:" + source.toUri() + "!/" + name), binaryName(name)));
                }
            }
        }
    }

    private static String binaryName(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.substring(0, relative.length() - ".class".length()).replace('/', '.').replace('\\', '.');
    }

    /**
     * The files in {@code packageName}, and with {@code recurse} in its sub-packages: the API's own
     * package is all there is (Eclipse's compiler asks for {@code io} that way to know it is a package).
     */
    List<JavaFileObject> list(String packageName, boolean recurse) {
        String name = packageName.replace('/', '.'); // Eclipse's compiler asks for io/flotilla
        return PACKAGE.equals(name) || recurse && (name.isEmpty() || PACKAGE.startsWith(name + "."))
                ? files : List.of();
    }

    /** The class file of {@code binaryName}, when it is the API's; Eclipse's compiler asks by name. */
    JavaFileObject find(String binaryName) {
        return files.stream().filter(file -> binaryName.equals(binaryName(file))).findFirst().orElse(null);
    }

    /** The binary name of one of this API's class files, or null for any other file. */
    static String binaryName(JavaFileObject file) {
        return file instanceof ClassFile api ? api.binaryName : null;
    }

    private static final class ClassFile extends SimpleJavaFileObject {

        private final URL content;
        private final String binaryName;

        ClassFile(URL content, String binaryName) {
            super(URI.create("api:///" + binaryName.replace('.', '/') + Kind.CLASS.extension), Kind.CLASS);
            this.content = content;
            this.binaryName = binaryName;
        }

        @Override
        public InputStream openInputStream() throws IOException {
            return content.openStream();
        }
    }
}
