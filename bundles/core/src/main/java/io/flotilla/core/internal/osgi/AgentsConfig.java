package io.flotilla.core.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.agents.cfg}: how the node runs its agents. */
@ObjectClassDefinition(name = "Flotilla agent runtime", description = "Threads, boot wait and stop timeout of the node's agents.")
public @interface AgentsConfig {

    String PID = "io.flotilla.agents";

    @AttributeDefinition(description = "Threads agents run on when none blocks; 0 means one per core")
    int agent_threads() default 0;

    @AttributeDefinition(description = "Most threads the agent pool grows to while agents block")
    int agent_threads_max() default 256;

    @AttributeDefinition(description = "Seconds an agent restored at boot waits for its type to appear")
    double boot_type_wait() default 120;

    @AttributeDefinition(description = "Seconds a stop waits for an agent's running callback to return")
    double stop_timeout() default 10;

    @AttributeDefinition(description = "After a failed process(): wactorz waits min(2^n, 30) s before the next call, as the "
            + "Wactorz runner (2, 4, 8, 16 s, then the fifth in a row restarts the agent); poll calls again after poll_interval")
    String process_backoff() default "wactorz";
}
