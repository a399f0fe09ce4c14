package io.flotilla.dynamic.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lines a child process writes, each up to a bound: a longer line is cut there, and its rest comes
 * as the lines that follow, so that a child that never writes a newline cannot fill the node's memory.
 */
final class ChildLines {

    /** One line: its text (UTF-8, at most the bound's bytes) and whether it was cut at the bound. */
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
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() == 0 ? null : new Line(text(line), false);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int room = maxBytes - line.size();
            if (position - start > room) { // the bound: the rest of the line comes as the next one
                line.write(buffer, start, room);
                position = start + room;
                return new Line(text(line), true);
            }
            line.write(buffer, start, position - start);
            if (position < limit) { // the line end
                position++;
                return new Line(text(line), false);
            }
        }
    }

    private static String text(ByteArrayOutputStream line) {
        return line.toString(StandardCharsets.UTF_8);
    }
}
