package io.flotilla.dynamic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.flotilla.api.Agent;
import io.flotilla.api.CompileException;
import io.flotilla.runtime.SpawnConfig;

class JavaLanguageTest {

    private final JavaLanguage java = new JavaLanguage();

    @Test
    void eclipsesCompilerServesNodesOnAJre() throws Exception {
        JavaLanguage ecj = new JavaLanguage(new org.eclipse.jdt.internal.compiler.tool.EclipseCompiler());

        assertEquals("got 7", ecj.agentFor(agent("public Object handle(Message m, AgentContext ctx) { return \"got \" + m.payload(); }"))
                .handle(TestMessages.of(7), null));
        CompileException error = assertThrows(CompileException.class, () -> ecj.agentFor(agent(
                "public void process(AgentContext ctx) {\n    int x = \"text\";\n}")));
        assertTrue(error.getMessage().startsWith("line 2, column "), error.getMessage());
    }

    private static SpawnConfig agent(String code) {
        return SpawnConfig.fromMap(Map.of("name", "source-agent", "type", "dynamic", "language", "java", "code", code));
    }

    @Test
    void aClassBodyBecomesAnAgentThatAnswers() throws Exception {
        Agent agent = java.agentFor(agent("public Object handle(Message m, AgentContext ctx) { return \"got \" + m.payload(); }"));

        assertEquals("got 42", agent.handle(TestMessages.of(42), null));
    }

    @Test
    void aWholeClassWithImportsIsTakenAsItIs() throws Exception {
        Agent agent = java.agentFor(agent("""
                import io.flotilla.api.Agent;
                import io.flotilla.api.Message;
                import io.flotilla.api.AgentContext;

                public class Doubler implements Agent {
                    @Override
                    public Object handle(Message m, AgentContext ctx) {
                        return ((Number) m.payload()).intValue() * 2;
                    }
                }
                """));

        assertEquals(84, agent.handle(TestMessages.of(42), null));
    }

    @Test
    void eachRunGetsItsOwnClassLoaderSoThatStoppedAgentsFreeTheirClasses() throws Exception {
        SpawnConfig config = agent("public Object handle(Message m, AgentContext ctx) { return 1; }");

        Agent first = java.agentFor(config);
        Agent second = java.agentFor(config);

        assertNotSame(first.getClass().getClassLoader(), second.getClass().getClassLoader());
        assertEquals(ClassLoader.getPlatformClassLoader(), first.getClass().getClassLoader().getParent());
    }

    @Test
    void aCompileErrorNamesTheAuthorsLineAndColumn() {
        CompileException error = assertThrows(CompileException.class, () -> java.agentFor(agent(
                "public void process(AgentContext ctx) {\n    int x = \"text\";\n}")));

        assertTrue(error.diagnostics().get(0).startsWith("line 2, column 13: incompatible types"), error.diagnostics().toString());
        assertEquals(error.diagnostics().get(0), error.getMessage());
    }

    @Test
    void anErrorOnTheFirstLineCountsColumnsFromTheAuthorsCode() {
        CompileException error = assertThrows(CompileException.class, () -> java.agentFor(agent("int x = ;")));

        assertTrue(error.getMessage().startsWith("line 1, column 9: "), error.getMessage());
    }

    @Test
    void theNodesOwnClassesAreNotThereToCompileAgainst() {
        CompileException error = assertThrows(CompileException.class, () -> java.agentFor(agent(
                "Object spawn = new io.flotilla.runtime.SpawnResult(null, null, null);")));

        assertTrue(error.getMessage().contains("io.flotilla.runtime"), error.getMessage());
    }

    @Test
    void codeWithoutAnAgentClassIsRefused() {
        CompileException error = assertThrows(CompileException.class, () -> java.agentFor(agent(
                "package x; public class Helper { }")));

        assertEquals("no class implements io.flotilla.api.Agent", error.getMessage());
    }

    @Test
    void theFormOfTheCodeIsToldByItsHeadersNotByAnyWordInIt() {
        // 64 KiB of class headers without a brace: what took a backtracking expression minutes
        assertFalse(JavaSource.wholeUnit("class A implements ".repeat(3_400)));
        assertTrue(JavaSource.wholeUnit("/* an agent */\n// of mine\nimport java.util.List;\nclass X implements Agent { }"));
        assertTrue(JavaSource.wholeUnit("final class X implements io.flotilla.api.Agent {\n}"));
        assertFalse(JavaSource.wholeUnit("String kind = \"class\";\npublic void process(AgentContext ctx) { }"));
    }
}
