package io.flotilla.core.internal.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the node takes code from: each location parsed, then checked against the allowlist. */
class CodeLocationsTest {

    private final CodeLocations locations = new CodeLocations(List.of("mvn:", "file:/opt/node/deploy/"), List.of("scr"));

    @Test
    void anArtifactOfTheNodesRepositoriesIsAllowed() {
        assertNull(locations.problem("mvn:io.flotilla/flotilla-examples/1.0.0"));
        assertNull(locations.problem("mvn:com.example/agents/1.2.0/jar/linux"));
    }

    @Test
    void aMavenLocationThatNamesItsOwnRepositoryIsRefused() {
        for (String location : List.of("mvn:http://127.0.0.1:8080/repo!com.evil/payload/1.0.0",
                "mvn:http://127.0.0.1:8080/repo@id=x!com.evil/payload/1.0.0", "mvn:file:/tmp/repo!g/a/1")) {
            String problem = locations.problem(location);
            assertTrue(problem != null && problem.contains("names a repository of its own"), location + ": " + problem);
        }
    }

    @Test
    void aNarrowerMavenPrefixKeepsOtherGroupsOut() {
        CodeLocations narrow = new CodeLocations(List.of("mvn:com.example/"), List.of());
        assertNull(narrow.problem("mvn:com.example/agents/1.0.0"));
        assertTrue(narrow.problem("mvn:com.evil/agents/1.0.0").contains("is not an allowed location"));
    }

    @Test
    void aFileOutsideTheAllowedDirectoriesIsRefusedEvenWhenItClimbsOutOfOne() {
        assertNull(locations.problem("file:/opt/node/deploy/agents.jar"));
        for (String location : List.of("file:/tmp/x.jar", "file:/opt/node/deploy/../../../etc/shadow",
                "file:/opt/node/deployed/x.jar", "file:relative.jar", "file://host/opt/node/deploy/x.jar")) {
            assertFalse(locations.problem(location) == null, location);
        }
    }

    @Test
    void mavenCoordinatesThatClimbOrHideAreRefused() {
        for (String location : List.of("mvn:com.example/../../x/1", "mvn:../evil/1", "mvn:com.example/.hidden/1",
                "mvn:com.example/agents/..")) {
            assertFalse(locations.problem(location) == null, location);
        }
    }

    @Test
    void aSymbolicLinkInAnAllowedDirectoryLeadsNowhereElse(@TempDir Path root) throws IOException {
        Path deploy = Files.createDirectories(root.resolve("deploy"));
        Path secret = Files.writeString(root.resolve("secret.jar"), "not for agents");
        Files.createSymbolicLink(deploy.resolve("link.jar"), secret);
        Path real = Files.writeString(deploy.resolve("real.jar"), "a bundle");
        CodeLocations allowed = new CodeLocations(List.of("file:" + deploy + "/"), List.of());

        assertTrue(allowed.problem("file:" + deploy.resolve("link.jar")).contains("is not an allowed location"));
        assertNull(allowed.problem("file:" + real));
    }

    @Test
    void aRefusalSaysNothingOfTheFileItNames() {
        String problem = locations.problem("file:/etc/shadow");
        assertFalse(problem.contains("No such file") || problem.contains("sha256"), problem);
    }

    @Test
    void onlyTheFeaturesTheAllowlistNamesMayBeInstalled() {
        assertNull(locations.problem("feature:scr"));
        assertTrue(locations.problem("feature:management").contains("may not install"));
        assertTrue(new CodeLocations(List.of("mvn:"), List.of()).problem("feature:scr").contains("allows none"));
    }

    @Test
    void anyOtherSchemeIsRefused() {
        for (String location : List.of("http://127.0.0.1/x.jar", "wrap:mvn:g/a/1", "rogue:x", "mvn:")) {
            assertFalse(locations.problem(location) == null, location);
        }
    }
}
