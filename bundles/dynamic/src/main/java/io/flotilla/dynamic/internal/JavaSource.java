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
    private static final Pattern CLASS = Pattern.compile("\\bclass\\s+[A-Za-z_$][\\w$]*");

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
        if (!wholeUnit(code)) {
            return new JavaSource(PREFIX + code + "\n}\n", true, WRAPPER + ".java");
        }
        Matcher named = PUBLIC_CLASS.matcher(code);
        return new JavaSource(code, false, (named.find() ? named.group(1) : "AgentCode") + ".java");
    }

    /**
     * Whether {@code code} is a compilation unit of its own: it opens with {@code package} or
     * {@code import} (after comments), or declares a class that implements {@code Agent}. A scan, not
     * one regular expression, so that no input can make it backtrack for minutes.
     */
    static boolean wholeUnit(String code) {
        int start = 0;
        while (start < code.length()) {
            if (Character.isWhitespace(code.charAt(start))) {
                start++;
            } else if (code.startsWith("//", start)) {
                int end = code.indexOf('\n', start);
                start = end < 0 ? code.length() : end + 1;
            } else if (code.startsWith("/*", start)) {
                int end = code.indexOf("*/", start + 2);
                start = end < 0 ? code.length() : end + 2;
            } else {
                break;
            }
        }
        if (code.startsWith("package", start) || code.startsWith("import", start)) {
            return true;
        }
        Matcher declared = CLASS.matcher(code);
        int brace = -1;
        while (declared.find()) {
            if (declared.end() <= brace) {
                continue; // this header was looked at with the class before it
            }
            brace = code.indexOf('{', declared.end()); // a class header ends at its brace
            if (brace < 0) {
                return false;
            }
            int implementsAt = code.indexOf("implements", declared.end());
            if (implementsAt >= 0 && implementsAt < brace) {
                int agentAt = code.indexOf("Agent", implementsAt);
                if (agentAt >= 0 && agentAt < brace) {
                    return true;
                }
            }
        }
        return false;
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
