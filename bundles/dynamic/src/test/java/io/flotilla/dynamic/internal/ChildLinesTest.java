package io.flotilla.dynamic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ChildLinesTest {

    private static ChildLines of(String text, int max) {
        return new ChildLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void linesComeWithoutTheirEndsAndTheLastOneNeedsNone() throws IOException {
        ChildLines lines = of("one\ntwo\n\nthree", 100);

        assertEquals(new ChildLines.Line("one", false), lines.next());
        assertEquals(new ChildLines.Line("two", false), lines.next());
        assertEquals(new ChildLines.Line("", false), lines.next());
        assertEquals(new ChildLines.Line("three", false), lines.next());
        assertNull(lines.next());
    }

    @Test
    void aLineOverTheBoundComesInPiecesOfTheBoundEachMarkedCut() throws IOException {
        ChildLines lines = of("x".repeat(25) + "\nafter\n", 10);

        assertEquals(new ChildLines.Line("xxxxxxxxxx", true), lines.next());
        assertEquals(new ChildLines.Line("xxxxxxxxxx", true), lines.next());
        assertEquals(new ChildLines.Line("xxxxx", false), lines.next());
        assertEquals(new ChildLines.Line("after", false), lines.next());
        assertNull(lines.next());
    }
}
