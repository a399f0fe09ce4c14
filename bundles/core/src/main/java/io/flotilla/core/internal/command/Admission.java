package io.flotilla.core.internal.command;

import java.util.Map;

import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;

/**
 * A command the gate let in: its kind, its body without the envelope fields, its envelope, where it
 * came from, and who signed it (null: nobody).
 */
record Admission(String kind, Map<String, Object> body, CommandEnvelope envelope, CommandOrigin origin, String signer) {

    Admission(String kind, Map<String, Object> body, CommandEnvelope envelope, CommandOrigin origin) {
        this(kind, body, envelope, origin, null);
    }
}
