package io.flotilla.dynamic.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.flotilla.dynamic.cfg}: how this node runs agents from source. Which languages it accepts is security's. */
@ObjectClassDefinition(name = "Flotilla agents from source",
        description = "The Python interpreter of Python agents and where their packages go")
public @interface DynamicConfig {

    String PID = "io.flotilla.dynamic";

    @AttributeDefinition(description = "The Python 3 interpreter that runs Python agents: a name on the PATH or a path")
    String python_executable() default "python3";

    @AttributeDefinition(description = "The compiler of Java agents: auto (the JDK's, else Eclipse's, which runs on a JRE), "
            + "jdk, or eclipse")
    String java_compiler() default "auto";

    @AttributeDefinition(description = "Seconds pip may take to install a Python agent's packages (its install list)")
    int packages_timeout() default 300;
}
