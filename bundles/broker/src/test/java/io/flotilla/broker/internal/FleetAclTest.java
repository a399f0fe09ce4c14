package io.flotilla.broker.internal;

import static io.flotilla.broker.internal.FleetAcl.Access.NONE;
import static io.flotilla.broker.internal.FleetAcl.Access.READ;
import static io.flotilla.broker.internal.FleetAcl.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The embedded broker's rules: those of etc/mosquitto/acl, with subscriptions checked as they are made. */
class FleetAclTest {

    private final FleetAcl acl = new FleetAcl("", Set.of("alice"));

    @Test
    void aNodeOwnsItsTopicsAndHearsTheFleet() {
        for (String own : List.of("nodes/beta/status", "nodes/beta/heartbeat", "nodes/beta/errors", "nodes/beta/spawn")) {
            assertTrue(acl.allows("beta", WRITE, own), own);
            assertTrue(acl.allows("beta", READ, own), own);
        }
        for (String subscription : List.of("nodes/beta/spawn", "nodes/+/status", "nodes/+/heartbeat", "agents/+/heartbeat",
                "agents/by-name/counter/task", "nodes/beta/reply", "nodes/beta/#")) {
            assertTrue(acl.allows("beta", READ, subscription), subscription);
        }
        for (String nodeToNode : List.of("nodes/alpha/migrate_in", "nodes/alpha/reply", "nodes/alpha/reply/3f2a",
                "nodes/alpha/code_request", "agents/by-name/counter/task", "replies/alice/results")) {
            assertTrue(acl.allows("beta", WRITE, nodeToNode), nodeToNode);
        }
    }

    @Test
    void aNodeCannotSpeakForAnotherReadItsCommandsNorCommandIt() {
        for (String theirs : List.of("nodes/alpha/status", "nodes/alpha/heartbeat", "nodes/alpha/spawn", "nodes/alpha/stop_all",
                "nodes/alpha/desired_state")) {
            assertFalse(acl.allows("beta", WRITE, theirs), theirs);
        }
        for (String subscription : List.of("nodes/alpha/spawn", "nodes/+/spawn", "nodes/#", "#", "nodes/+/+", "replies/alice/#",
                "nodes/alpha/reply")) {
            assertFalse(acl.allows("beta", READ, subscription), subscription);
        }
        assertFalse(acl.allows("beta", NONE, "anything"));
    }

    @Test
    void operatorsMayDoAnythingAndNamesThatCouldWidenAPatternAreNobody() {
        assertTrue(acl.allows("alice", WRITE, "nodes/alpha/stop_all"));
        assertTrue(acl.allows("alice", READ, "#"));
        assertFalse(acl.allows("+", READ, "nodes/alpha/spawn"));
        assertFalse(acl.allows("#", READ, "nodes/alpha/spawn"));
        assertFalse(acl.allows(null, READ, "nodes/+/status"));
    }

    @Test
    void theFleetsPrefixComesFirst() {
        FleetAcl prefixed = new FleetAcl("site-a", Set.of());
        assertTrue(prefixed.allows("beta", WRITE, "site-a/nodes/beta/status"));
        assertFalse(prefixed.allows("beta", WRITE, "nodes/beta/status"));
    }

    @Test
    void aClientWithoutCertificateMaySendAPairingRequestAndReadTheAnswersOnly() {
        assertTrue(acl.allows(FleetAcl.ENROLLEE, WRITE, "pairing/requests/gamma"));
        assertTrue(acl.allows(FleetAcl.ENROLLEE, READ, "pairing/replies/gamma"));
        for (String forbidden : List.of("pairing/replies/gamma", "nodes/gamma/status", "nodes/alpha/spawn", "agents/x/task",
                "#", "pairing/#")) {
            assertFalse(acl.allows(FleetAcl.ENROLLEE, WRITE, forbidden), forbidden);
        }
        for (String forbidden : List.of("pairing/requests/gamma", "pairing/#", "nodes/+/status", "#", "agents/#")) {
            assertFalse(acl.allows(FleetAcl.ENROLLEE, READ, forbidden), forbidden);
        }
        assertFalse(acl.allows(FleetAcl.ENROLLEE, NONE, "pairing/requests/gamma"));
    }

    @Test
    void membersReadPairingRequestsAndAnswerThem() {
        assertTrue(acl.allows("alpha", READ, "pairing/requests/+"));
        assertTrue(acl.allows("alpha", WRITE, "pairing/replies/gamma"));
        assertFalse(acl.allows("alpha", WRITE, "pairing/requests/gamma"));
    }
}
