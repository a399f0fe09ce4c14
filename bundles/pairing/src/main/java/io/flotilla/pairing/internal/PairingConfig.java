package io.flotilla.pairing.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.pairing.cfg}: whether this node holds the fleet CA and answers pairing requests. */
@ObjectClassDefinition(name = "Flotilla pairing", description = "Whether this node holds the fleet CA and answers pairing requests.")
public @interface PairingConfig {

    String PID = "io.flotilla.pairing";

    @AttributeDefinition(description = "The fleet CA's directory (bin/flotilla ca init --dir DIR); empty: this node holds no "
            + "CA, takes no pairing requests, and node:pair says so")
    String ca_dir() default "";

    @AttributeDefinition(description = "Days a paired node's certificate is valid")
    int certificate_days() default 365;
}
