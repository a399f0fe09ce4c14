package io.flotilla.selftest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SelfTestTest {

    @Test
    void everyCheckOfTheLaunchersSelfTestPasses() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SelfTest test = new SelfTest(new PrintStream(buffer, true, StandardCharsets.UTF_8));

        boolean allPassed = test.runAll();

        String output = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(allPassed, output);
        assertTrue(output.contains("10 passed, 0 failed"), output);
    }
}
