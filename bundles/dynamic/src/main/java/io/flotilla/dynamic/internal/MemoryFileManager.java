package io.flotilla.dynamic.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * What the compiler of one agent's code reads and writes: the JDK's own modules through the standard
 * file manager, the agent API from {@link ApiClassFiles} as the whole class path (nothing of the node's
 * bundles or Karaf's boot class path), and class files written to memory.
 */
final class MemoryFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {

    private final ApiClassFiles api;
    private final Map<String, ByteArrayOutputStream> output = new LinkedHashMap<>();

    MemoryFileManager(StandardJavaFileManager standard, ApiClassFiles api) throws IOException {
        super(standard);
        this.api = api;
        // Not the JVM's class path (Karaf's boot jars, or a test's whole class path): the API alone is
        standard.setLocation(StandardLocation.CLASS_PATH, List.of());
    }

    @Override
    public JavaFileObject getJavaFileForInput(Location location, String className, JavaFileObject.Kind kind)
            throws IOException {
        if (location == StandardLocation.CLASS_PATH) {
            return kind == JavaFileObject.Kind.CLASS ? api.find(className.replace('/', '.')) : null;
        }
        return super.getJavaFileForInput(location, className, kind);
    }

    @Override
    public Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds,
            boolean recurse) throws IOException {
        if (location == StandardLocation.CLASS_PATH) {
            return kinds.contains(JavaFileObject.Kind.CLASS) ? api.list(packageName, recurse) : List.of();
        }
        return super.list(location, packageName, kinds, recurse);
    }

    @Override
    public String inferBinaryName(Location location, JavaFileObject file) {
        String name = ApiClassFiles.binaryName(file);
        return name != null ? name : super.inferBinaryName(location, file);
    }

    @Override
    public boolean hasLocation(Location location) {
        return location == StandardLocation.CLASS_PATH || super.hasLocation(location);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
            FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("memory:///" + className.replace('.', '/') + kind.extension), kind) {
            @Override
            public OutputStream openOutputStream() {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                output.put(className, bytes);
                return bytes;
            }
        };
    }

    /** The class files written, by binary name. */
    Map<String, byte[]> classFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        output.forEach((name, bytes) -> files.put(name, bytes.toByteArray()));
        return files;
    }

    /**
     * The code of one agent as a source file. Its text is served from memory, but Eclipse's compiler
     * insists that a source file exists where its URI says, so the file is written there too.
     */
    static JavaFileObject source(Path directory, JavaSource source) throws IOException {
        Path file = directory.resolve(source.fileName());
        Files.writeString(file, source.text(), StandardCharsets.UTF_8);
        return new SimpleJavaFileObject(file.toUri(), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source.text();
            }
        };
    }
}
