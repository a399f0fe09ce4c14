package io.flotilla.dynamic.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lines a child process writes, each kept up to a bound: a line past it is cut there and the rest
 * of it skipped, so that a child that never writes a newline cannot fill the node's memory.
 */
final class ChildLines {

    /** One line: its text (UTF-8, at most the bound's bytes) and whether more of it was skipped. */
    record Line(String text, boolean cut) {
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

    ChildLines(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its line end, or null at the end of the stream. */
    Line next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean cut = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() == 0 && !cut ? null : new Line(text(line), cut);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int room = maxBytes - line.size();
            int length = position - start;
            line.write(buffer, start, Math.min(length, Math.max(room, 0)));
            cut |= length > room;
            if (position < limit) { // the line end
                position++;
                return new Line(text(line), cut);
            }
        }
    }

    private static String text(ByteArrayOutputStream line) {
        return line.toString(StandardCharsets.UTF_8);
    }
}
