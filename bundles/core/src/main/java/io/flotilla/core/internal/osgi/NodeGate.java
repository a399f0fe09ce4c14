package io.flotilla.core.internal.osgi;

import io.flotilla.core.internal.command.CommandGate;

/** This node's command gate and the security policy it holds, for the components of this bundle only. */
public interface NodeGate {

    CommandGate gate();
}
