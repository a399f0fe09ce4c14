package io.flotilla.pairing.internal.commands;

import java.security.cert.X509Certificate;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.pairing.internal.PairingService;

@Service
@Command(scope = "node", name = "unpair", description = "Revokes a node's certificate: the brokers that read the fleet CA's "
        + "revocation list refuse it from then on, and drop it if it is connected.")
public class NodeUnpairCommand implements Action {

    @Reference
    PairingService pairing;

    @Argument(index = 0, name = "node", description = "The node", required = true)
    String name;

    @Override
    public Object execute() throws Exception {
        List<X509Certificate> revoked = pairing.unpair(name);
        System.out.printf("Unpaired %s: certificate%s %s revoked in %s%n", name, revoked.size() == 1 ? "" : "s",
                PairingService.serials(revoked), pairing.revocationList());
        System.out.println("An embedded broker with tls.crl on that file drops it within seconds; Mosquitto reads its crlfile "
                + "when it starts (docs/security.md)");
        return null;
    }
}
