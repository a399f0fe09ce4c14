package io.flotilla.pairing.internal.commands;

import java.time.Duration;
import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.pairing.internal.PairingService;
import io.flotilla.pki.PairingDesk;

/** Lists the waiting requests without their codes: the operator must read the code on the new node itself. */
@Service
@Command(scope = "node", name = "pairing", description = "Lists the pairing requests waiting for an operator.")
public class NodePairingCommand implements Action {

    @Reference
    PairingService pairing;

    @Override
    public Object execute() {
        Instant now = Instant.now();
        if (pairing.pending().isEmpty()) {
            System.out.println("No pairing request is waiting");
            return null;
        }
        System.out.printf("%-24s %-14s %s%n", "Node", "Waiting", "Expires in");
        for (PairingDesk.Pending waiting : pairing.pending()) {
            Instant expires = waiting.request().created().plus(PairingDesk.LIFETIME);
            System.out.printf("%-24s %-14s %s%n", waiting.request().name(),
                    Duration.between(waiting.received(), now).toSeconds() + " s",
                    Math.max(0, Duration.between(now, expires).toSeconds()) + " s");
        }
        return null;
    }
}
