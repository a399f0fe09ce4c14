package io.flotilla.pairing.internal.commands;

import java.security.cert.X509Certificate;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.pairing.internal.PairingService;

@Service
@Command(scope = "node", name = "pair", description = "Pairs a new node: signs its waiting request whose code is the one its "
        + "console printed, and sends it its certificate. With --refuse, refuses its requests instead.")
public class NodePairCommand implements Action {

    @Reference
    PairingService pairing;

    @Argument(index = 0, name = "node", description = "The new node's name", required = true)
    String name;

    @Argument(index = 1, name = "code", description = "The pairing code the new node printed, e.g. 7KQ2-M9XD-4F1B")
    String code;

    @Option(name = "--refuse", description = "Refuse the node's pairing requests")
    boolean refuse;

    @Override
    public Object execute() throws Exception {
        if (refuse) {
            int refused = pairing.refuse(name);
            System.out.printf("Refused the pairing of %s (%d request%s); it was told%n", name, refused, refused == 1 ? "" : "s");
            return null;
        }
        if (code == null) {
            throw new IllegalArgumentException("node:pair " + name + " CODE: type the code " + name + "'s console printed");
        }
        Optional<X509Certificate> certificate = pairing.pair(name, code);
        if (certificate.isPresent()) {
            System.out.printf("Paired %s: certificate %s, valid until %s; the node joins the fleet when it receives it%n", name,
                    certificate.get().getSerialNumber().toString(16), certificate.get().getNotAfter().toInstant());
        } else {
            System.out.printf("No waiting request of %s has that code, so nothing was signed. If the code is right, %s's"
                    + " request with it is signed when it comes (it repeats it every 20 s, for 15 minutes); if not, read the"
                    + " code again on %s's console%n", name, name, name);
        }
        return null;
    }
}
