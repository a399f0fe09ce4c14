package io.flotilla.dynamic.internal;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentConfig;
import io.flotilla.api.CompileException;

/** One language of agents from source: turns the code of a dynamic agent's document into a running agent. */
interface SourceLanguage {

    /**
     * A fresh instance running {@code config}'s code, for one run of the agent.
     *
     * @throws CompileException the code does not compile (Java), found here or in the instance's setup (Python)
     */
    Agent agentFor(AgentConfig config) throws CompileException;
}
