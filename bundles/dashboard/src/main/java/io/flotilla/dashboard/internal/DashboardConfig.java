package io.flotilla.dashboard.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code etc/io.flotilla.dashboard.cfg}: who may sign in to the dashboard and for how long. Where it
 * listens is Felix HTTP's own setting ({@code org.osgi.service.http.port}, {@code
 * org.apache.felix.http.host}), which {@code bin/flotilla --dashboard PORT} sets.
 */
@ObjectClassDefinition(name = "Flotilla dashboard")
public @interface DashboardConfig {

    String PID = "io.flotilla.dashboard";

    @AttributeDefinition(description = "The JAAS realm users sign in with (Karaf's users are etc/users.properties)")
    String realm() default "karaf";

    @AttributeDefinition(description = "The role a user needs to sign in: the dashboard starts, stops and moves agents")
    String role() default "admin";

    @AttributeDefinition(description = "Minutes without a request after which a session ends")
    double session_idle_minutes() default 30;

    @AttributeDefinition(description = "Hours after which a session ends, however busy")
    double session_max_hours() default 12;

    @AttributeDefinition(description = "Seconds between two pushes of the fleet's changes to the open pages")
    double push_interval() default 0.25;
}
