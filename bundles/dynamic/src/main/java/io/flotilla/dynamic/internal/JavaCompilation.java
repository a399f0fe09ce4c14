package io.flotilla.dynamic.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;

import io.flotilla.api.CompileException;

/** One compilation of one agent's Java code, in memory, against the agent API and the JDK only. */
final class JavaCompilation {

    /** No annotation processors (nothing on the class path would be trusted to run), debug info for stack traces. */
    private static final List<String> OPTIONS = List.of("-proc:none", "-g", "-nowarn", "-encoding", "UTF-8");
    private static final int SHOWN_DIAGNOSTICS = 20;

    private JavaCompilation() {
    }

    static CompiledClasses compile(JavaCompiler compiler, ApiClassFiles api, String agent, JavaSource source)
            throws CompileException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter compilerOutput = new StringWriter();
        boolean compiled;
        MemoryFileManager files;
        try (MemoryFileManager manager = new MemoryFileManager(
                compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8), api)) {
            files = manager;
            compiled = compiler.getTask(compilerOutput, manager, diagnostics, OPTIONS, null,
                    List.of(MemoryFileManager.source(agent, source.text()))).call();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the compiler's file manager", e);
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

    /** The first error, and how many more: what an event's message and {@code agent:info} show. */
    static String summary(List<String> errors) {
        return errors.get(0) + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
    }
}
