package io.flotilla.core.internal.runtime;

import io.flotilla.api.Agent;

/** Makes instances of one agent type; in OSGi, one prototype-scoped {@code Agent} service. */
public interface AgentFactory {

    String type();

    /** A new instance for one run of one agent. */
    Agent create();

    /** Gives back an instance whose run ended. */
    void release(Agent agent);

    /** Who provides the type, for {@code agent:info}: {@code bundle-symbolic-name/version}. */
    String provider();

    /** Whether the node starts one agent of this type, named after it, when the type appears. */
    boolean autostart();

    /** Higher wins when several providers offer one type. */
    int ranking();

    /** Breaks ties: the newer registration (higher id) wins. */
    long order();
}
