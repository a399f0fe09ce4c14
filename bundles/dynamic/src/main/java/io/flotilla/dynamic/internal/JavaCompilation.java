package io.flotilla.dynamic.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.lang.model.SourceVersion;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;

import org.slf4j.LoggerFactory;

import io.flotilla.api.CompileException;

/** One compilation of one agent's Java code, in memory, against the agent API and the JDK only. */
final class JavaCompilation {

    /** No annotation processors (nothing on the class path would be trusted to run), debug info for stack traces. */
    private static final List<String> OPTIONS = List.of("-proc:none", "-g", "-nowarn", "-Xlint:-options", "-encoding", "UTF-8");
    private static final int SHOWN_DIAGNOSTICS = 20;

    private JavaCompilation() {
    }

    static CompiledClasses compile(JavaCompiler compiler, ApiClassFiles api, String agent, JavaSource source)
            throws CompileException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter compilerOutput = new StringWriter();
        boolean compiled;
        MemoryFileManager files;
        Path directory = null;
        try (MemoryFileManager manager = new MemoryFileManager(
                compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8), api)) {
            files = manager;
            directory = Files.createTempDirectory("flotilla-source-");
            compiled = compiler.getTask(compilerOutput, manager, diagnostics, options(compiler), null,
                    List.of(MemoryFileManager.source(directory, source))).call();
        } catch (IOException e) {
            throw new UncheckedIOException("compiling agent " + agent + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(directory, source);
        }
        List<String> errors = errors(diagnostics, source);
        if (!compiled || !errors.isEmpty()) {
            if (errors.isEmpty()) {
                errors = List.of("the compiler failed: " + compilerOutput.toString().strip());
            }
            throw new CompileException(summary(errors), errors);
        }
        return new CompiledClasses(files.classFiles());
    }

    private static List<String> errors(DiagnosticCollector<JavaFileObject> diagnostics, JavaSource source) {
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            if (diagnostic.getKind() == Diagnostic.Kind.ERROR && errors.size() < SHOWN_DIAGNOSTICS) {
                long line = diagnostic.getLineNumber();
                long column = source.authorColumn(line, diagnostic.getColumnNumber());
                String message = diagnostic.getMessage(Locale.ROOT).lines().findFirst().orElse("").strip();
                errors.add(line > 0 ? "line " + line + ", column " + column + ": " + message : message);
            }
        }
        return errors;
    }

    /**
     * {@link #OPTIONS}, and the newest language level both the compiler and this JVM know: Eclipse's
     * compiler would otherwise write class files for a newer Java than the one that is to load them.
     */
    static List<String> options(JavaCompiler compiler) {
        int runtime = Runtime.version().feature();
        int level = compiler.getSourceVersions().stream().map(SourceVersion::ordinal).filter(v -> v <= runtime)
                .max(Integer::compare).orElse(runtime);
        List<String> options = new ArrayList<>(OPTIONS);
        options.addAll(List.of("-source", String.valueOf(level), "-target", String.valueOf(level)));
        return options;
    }

    private static void deleteQuietly(Path directory, JavaSource source) {
        if (directory != null) {
            try {
                Files.deleteIfExists(directory.resolve(source.fileName()));
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                LoggerFactory.getLogger(JavaCompilation.class).debug("Leaving {}: {}", directory, e.toString());
            }
        }
    }

    /** The first error, and how many more: what an event's message and {@code agent:info} show. */
    static String summary(List<String> errors) {
        return errors.get(0) + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
    }
}
