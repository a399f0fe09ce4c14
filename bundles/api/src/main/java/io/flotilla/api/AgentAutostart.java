package io.flotilla.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Marks an agent type whose node starts one agent of it, named after the type, as soon as the
 * type appears (a bundle dropped into {@code deploy/}, say): sets {@value #PROPERTY}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface AgentAutostart {

    /** The service property that asks for one agent of the type to be started. */
    String PROPERTY = "agent.autostart";

    boolean value() default true;
}
