package io.flotilla.core.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.security.cfg}: what the command intake admits, and where code may come from. */
@ObjectClassDefinition(name = "Flotilla security",
        description = "Which locations spawns may install code from, and how large commands and bundles may be.")
public @interface SecurityConfig {

    String PID = "io.flotilla.security";

    @AttributeDefinition(description = "Where code may come from, comma-separated: mvn: prefixes (mvn: for the node's "
            + "repositories, mvn:com.example/ for some groups) and file: directories (file:/opt/agents/)")
    String[] bundle_locations() default {"mvn:io.flotilla/"};

    @AttributeDefinition(description = "Features a spawn may install (feature:name), comma-separated; none by default")
    String[] features() default {};

    @AttributeDefinition(description = "Largest spawn document accepted, in bytes")
    int spawn_max_bytes() default 64 * 1024;

    @AttributeDefinition(description = "Largest document of any other command accepted, in bytes (a migration's: max.bytes "
            + "in io.flotilla.migration.cfg)")
    int command_max_bytes() default 256 * 1024;

    @AttributeDefinition(description = "Largest bundle read to check a sha256 pin or to send to another node, in bytes")
    long bundle_max_bytes() default 64L * 1024 * 1024;

    @AttributeDefinition(description = "open: commands from the broker need no signature (the Wactorz protocol); signed: "
            + "all but list and ping must be signed, by a trusted operator or, for a migration's messages, by a fleet node; "
            + "empty: signed unless the broker is on loopback")
    String mode() default "";

    @AttributeDefinition(description = "The directory of the trusted operators' keys: NAME.pub (Ed25519, bin/flotilla key "
            + "generate) and, beside it, NAME.properties with the kinds NAME may sign; empty: ${karaf.etc}/operators")
    String operators_dir() default "";

    @AttributeDefinition(description = "The operator key (NAME.key of bin/flotilla key generate) this node signs with what its "
            + "shell and Java callers send to other nodes; empty: they go unsigned")
    String operator_key() default "";

    @AttributeDefinition(description = "Commands from the broker held until an operator approves them (agent:approve ID), "
            + "comma-separated kinds, e.g. spawn, stop, migrate; install: the spawns that name code not on the node yet. "
            + "Empty: none")
    String[] approval_kinds() default {};

    @AttributeDefinition(description = "The languages of agents from source (type dynamic) this node runs, comma-separated: "
            + "java, python. auto: both while the broker is on loopback, none otherwise. Empty: none")
    String[] dynamic_languages() default {"auto"};

    @AttributeDefinition(description = "Seconds a held command waits for its approval before it is dropped")
    int approval_expiry() default 600;
}
