package io.flotilla.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/flotilla ca init} and {@code bin/flotilla cert issue}: the launcher hands its arguments
 * here, on a plain JVM. Exit status 0 when done, 2 with a one-line reason on standard error when not.
 */
public final class Main {

    static final String USAGE = String.join("\n",
            "Usage: bin/flotilla ca init --dir DIR [--fleet NAME] [--days N]",
            "       bin/flotilla cert issue NAME --ca DIR --out OUT [--server HOST]... [--operator]",
            "                               [--password PASSWORD] [--days N]",
            "",
            "  ca init      create the fleet CA in DIR: ca.crt (share it) and ca.key (0600; it never leaves DIR)",
            "               valid for --days (default 3650)",
            "  cert issue   issue NAME's certificate from the CA in DIR into OUT: NAME.crt and NAME.key (PEM),",
            "               NAME.p12 (PKCS#12, for bin/flotilla --identity) with its password in NAME.pass (0600)",
            "               unless --password is given; valid for --days (default 365)",
            "    --server HOST  a broker certificate: clients check that HOST (a name or address) is whom they",
            "                   reach; may be repeated",
            "    --operator     an operator's certificate (OU=operator), not a node's",
            "",
            "Used by bin/flotilla --identity before the node starts:",
            "       identity check --identity NAME.p12 [--password-file FILE] [--trust ca.crt] [--name NODE]",
            "and by bin/flotilla --pair, to pair a node that has no certificate yet:",
            "       pair NAME --url ssl://HOST:PORT --trust ca.crt --out DIR [--wait SECONDS]",
            "",
            "  key generate an operator's Ed25519 key for signed commands: OUT/NAME.key (PEM PKCS#8, 0600, stays with",
            "               the operator) and OUT/NAME.pub (give it to the nodes: etc/operators/NAME.pub)",
            "       bin/flotilla key generate NAME --out OUT",
            "",
            "  cert revoke  revoke NAME's certificate: adds it to DIR/crl.pem, which the brokers read",
            "               (Mosquitto's crlfile, the embedded broker's tls.crl)",
            "       bin/flotilla cert revoke NAME --ca DIR");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        try {
            Arguments parsed = new Arguments(args);
            String command = parsed.command();
            switch (command) {
                case "ca init" -> caInit(parsed.allowing("--dir", "--fleet", "--days"), out, clock);
                case "cert issue" -> certIssue(parsed.allowing("--ca", "--out", "--server", "--operator", "--password",
                        "--days"), out, clock);
                case "identity check" -> identityCheck(parsed.allowing("--identity", "--password-file", "--trust", "--name"), out,
                        clock);
                case "cert revoke" -> certRevoke(parsed.allowing("--ca"), out, clock);
                case "key generate" -> keyGenerate(parsed.allowing("--out"), out);
                case "pair" -> pair(parsed.allowing("--url", "--trust", "--out", "--wait"), out, clock);
                case "ctl" -> {
                    return ctl(parsed.allowing("--broker", "--key", "--identity", "--trust", "--timeout"), out, clock);
                }
                case "help" -> out.println(USAGE);
                default -> throw new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE);
            }
            return 0;
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            err.println("flotilla: " + e.getMessage());
            return 2;
        }
    }

    private static void caInit(Arguments args, PrintStream out, Clock clock) throws IOException, GeneralSecurityException {
        Path dir = Path.of(args.required("--dir"));
        String fleet = args.optional("--fleet", "Flotilla");
        FleetCa ca = FleetCa.create(fleet, args.days(3650), clock);
        ca.save(dir);
        new CaLedger(dir, ca, clock).start();
        out.println("flotilla: fleet CA created: " + dir.resolve(FleetCa.CERTIFICATE) + " (give it to every node and broker) and "
                + dir.resolve(FleetCa.KEY) + " (owner only; keep it on this machine, backed up)");
        out.println("flotilla: valid until " + ca.certificate().getNotAfter().toInstant());
    }

    /** Run by bin/flotilla --identity before the node starts. */
    private static void identityCheck(Arguments args, PrintStream out, Clock clock) throws IOException, GeneralSecurityException {
        String passwordFile = args.optional("--password-file", null);
        String trust = args.optional("--trust", null);
        for (String line : IdentityCheck.check(Path.of(args.required("--identity")),
                passwordFile == null ? null : Path.of(passwordFile), trust == null ? null : Path.of(trust),
                args.optional("--name", null), clock)) {
            out.println("flotilla: " + line);
        }
    }

    private static void certIssue(Arguments args, PrintStream out, Clock clock) throws IOException, GeneralSecurityException {
        String name = args.subject();
        Path caDir = Path.of(args.required("--ca"));
        FleetCa ca = FleetCa.load(caDir);
        Path dir = Path.of(args.required("--out"));
        CertificateIssuer.Role role = args.flag("--operator") ? CertificateIssuer.Role.OPERATOR : CertificateIssuer.Role.NODE;
        Issued issued = new CertificateIssuer(ca, clock).issue(name, role, args.all("--server"), args.days(365));
        String password = args.optional("--password", null);
        Path p12 = IssuedFiles.write(issued, name, dir, password == null ? null : password.toCharArray());
        new CaLedger(caDir, ca, clock).record(name, issued.certificate());
        out.println("flotilla: issued " + role.unit + " certificate CN=" + name + " valid until "
                + issued.certificate().getNotAfter().toInstant());
        out.println("flotilla: " + dir.resolve(name + ".crt") + ", " + dir.resolve(name + ".key") + " (PEM), " + p12
                + (password == null ? " with its password in " + dir.resolve(name + ".pass") : ""));
        if (Files.exists(dir.resolve(name + ".pass"))) {
            out.println("flotilla: the password is not shown; the .pass file is readable by its owner only");
        }
    }

    private static void keyGenerate(Arguments args, PrintStream out) throws IOException, GeneralSecurityException {
        String name = args.subject();
        CertificateIssuer.checkName(name);
        Path dir = Path.of(args.required("--out"));
        PkiFiles.createPrivateDirectory(dir);
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        PkiFiles.writePrivate(dir.resolve(name + ".key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        PkiFiles.writePublic(dir.resolve(name + ".pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        out.println("flotilla: " + dir.resolve(name + ".key") + " (owner only: it signs " + name + "'s commands) and "
                + dir.resolve(name + ".pub") + " (copy it to each node's etc/operators/)");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void certRevoke(Arguments args, PrintStream out, Clock clock) throws IOException, GeneralSecurityException {
        String name = args.subject();
        Path caDir = Path.of(args.required("--ca"));
        List<X509Certificate> revoked = new CaLedger(caDir, FleetCa.load(caDir), clock).revoke(name);
        out.println("flotilla: revoked " + name + "'s certificate" + (revoked.size() == 1 ? " " : "s ")
                + revoked.stream().map(c -> c.getSerialNumber().toString(16)).collect(java.util.stream.Collectors.joining(", "))
                + "; "
                + caDir.resolve(CaLedger.REVOCATIONS) + " lists it: copy it to the brokers that do not read it there"
                + " (Mosquitto reads its crlfile when it starts)");
    }

    private static int ctl(Arguments args, PrintStream out, Clock clock) throws IOException, GeneralSecurityException {
        if (args.words.size() < 2) {
            throw new IllegalArgumentException(Ctl.USAGE);
        }
        String key = args.optional("--key", null);
        String identity = args.optional("--identity", null);
        String trust = args.optional("--trust", null);
        Ctl ctl = new Ctl(args.optional("--broker", "127.0.0.1"), key == null ? null : Path.of(key),
                identity == null ? null : Path.of(identity), trust == null ? null : Path.of(trust),
                Duration.ofSeconds(args.number("--timeout", 10)), clock, out);
        return ctl.run(args.words.get(1), args.words.subList(2, args.words.size()));
    }

    private static void pair(Arguments args, PrintStream out, Clock clock) throws IOException, GeneralSecurityException {
        String name = args.words.size() == 2 ? args.words.get(1) : null;
        if (name == null) {
            throw new IllegalArgumentException("pair needs one NAME\n" + USAGE);
        }
        X509Certificate ca = Pem.certificates(Files.readString(Path.of(args.required("--trust")))).get(0);
        long wait = args.number("--wait", PairingDesk.LIFETIME.toSeconds());
        new Enrollment(args.required("--url"), ca, name, clock, out).pair(Path.of(args.required("--out")), Duration.ofSeconds(wait));
    }

    /** The command line: a command of two words, maybe a name, then options. */
    private static final class Arguments {
        private final List<String> words = new ArrayList<>();
        private final List<String[]> options = new ArrayList<>();

        Arguments(String[] args) {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    words.clear();
                    words.add("help");
                    return;
                }
                if (arg.equals("--operator")) {
                    options.add(new String[] {arg, "true"});
                } else if (arg.startsWith("--")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
                    }
                    options.add(new String[] {arg, args[++i]});
                } else {
                    words.add(arg);
                }
            }
        }

        /** These arguments, when they use no option but {@code allowed}. */
        Arguments allowing(String... allowed) {
            List<String> known = List.of(allowed);
            for (String[] option : options) {
                if (!known.contains(option[0])) {
                    throw new IllegalArgumentException(command() + " takes no " + option[0] + "\n" + USAGE);
                }
            }
            return this;
        }

        String command() {
            if (words.size() == 1 && words.get(0).equals("help")) {
                return "help";
            }
            if (!words.isEmpty() && (words.get(0).equals("pair") || words.get(0).equals("ctl"))) {
                return words.get(0);
            }
            return words.size() >= 2 ? words.get(0) + " " + words.get(1) : String.join(" ", words);
        }

        String subject() {
            if (words.size() != 3) {
                throw new IllegalArgumentException(command() + " needs one NAME\n" + USAGE);
            }
            return words.get(2);
        }

        String required(String option) {
            String value = optional(option, null);
            if (value == null) {
                throw new IllegalArgumentException(command() + " needs " + option + "\n" + USAGE);
            }
            return value;
        }

        String optional(String option, String otherwise) {
            List<String> all = all(option);
            return all.isEmpty() ? otherwise : all.get(all.size() - 1);
        }

        List<String> all(String option) {
            return options.stream().filter(o -> o[0].equals(option)).map(o -> o[1]).toList();
        }

        boolean flag(String option) {
            return !all(option).isEmpty();
        }

        int days(int otherwise) {
            return (int) number("--days", otherwise);
        }

        long number(String option, long otherwise) {
            String value = optional(option, null);
            if (value == null) {
                return otherwise;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a whole number, not '" + value + "'");
            }
        }
    }
}
