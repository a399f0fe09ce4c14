package io.flotilla.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Declares the agent type a component provides: sets the service property {@value #PROPERTY}.
 * Use it beside {@code @Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface AgentType {

    /** The service property that names an agent type. */
    String PROPERTY = "agent.type";

    /** The type name, as used in spawn configs: {@code [A-Za-z0-9._-]{1,64}}. */
    String value();
}
