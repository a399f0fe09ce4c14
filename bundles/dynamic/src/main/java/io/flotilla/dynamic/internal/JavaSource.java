package io.flotilla.dynamic.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java agent's code as the compiler sees it. The document may hold a whole compilation unit (a class
 * implementing {@code Agent}, with its imports) or only a class body, which is wrapped in a class that
 * implements {@code Agent}, with {@code io.flotilla.api}, {@code java.util} and {@code java.time}
 * imported. The wrapper opens on the code's first line, so line numbers stay the author's.
 */
final class JavaSource {

    /** The class a body is wrapped in; a name no author writes, so it clashes with nothing of theirs. */
    static final String WRAPPER = "DynamicAgentCode";
    private static final String PREFIX = "import io.flotilla.api.*; import java.util.*; import java.time.*; "
            + "public final class " + WRAPPER + " implements Agent { ";
    private static final Pattern WHOLE_UNIT = Pattern.compile(
            "(?s)^(\\s|//[^\\n]*\\n|/\\*.*?\\*/)*(package|import)\\s.*"
                    + "|(?s).*\\bclass\\s+[A-Za-z_$][\\w$]*[^{;]*\\bimplements\\b[^{]*\\bAgent\\b.*");

    private static final Pattern PUBLIC_CLASS = Pattern.compile(
            "\\bpublic\\s+(?:(?:final|abstract|static|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|enum|record)\\s+"
                    + "([A-Za-z_$][\\w$]*)");

    private final String text;
    private final boolean wrapped;
    private final String fileName;

    private JavaSource(String text, boolean wrapped, String fileName) {
        this.text = text;
        this.wrapped = wrapped;
        this.fileName = fileName;
    }

    static JavaSource of(String code) {
        if (!WHOLE_UNIT.matcher(code).matches()) {
            return new JavaSource(PREFIX + code + "\n}\n", true, WRAPPER + ".java");
        }
        Matcher named = PUBLIC_CLASS.matcher(code);
        return new JavaSource(code, false, (named.find() ? named.group(1) : "AgentCode") + ".java");
    }

    /** The name its file must have: compilers want a public class in a file of its name. */
    String fileName() {
        return fileName;
    }

    /** What the compiler reads. */
    String text() {
        return text;
    }

    boolean wrapped() {
        return wrapped;
    }

    /** A column the compiler reports, as the author counts it on their line. */
    long authorColumn(long line, long column) {
        return wrapped && line == 1 ? Math.max(1, column - PREFIX.length()) : column;
    }
}
