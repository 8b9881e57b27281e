package io.gatehouse.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the app container supervisor (PID {@code io.gatehouse.cluster.supervisor}). */
@ObjectClassDefinition(name = "Gatehouse supervisor", description = "Watches and restarts the app containers")
public @interface SupervisorConfig {

    String PID = "io.gatehouse.cluster.supervisor";

    @AttributeDefinition(description = "Supervise the app containers")
    boolean enabled() default true;

    @AttributeDefinition(description = "The platform's runtime folder; empty: the gatehouse.runtime system property")
    String runtime() default "";

    @AttributeDefinition(description = "Milliseconds between two checks of the containers")
    long check_intervalMillis() default 500;

    @AttributeDefinition(description = "First restart delay in milliseconds; doubles per crash")
    long backoff_initialMillis() default 500;

    @AttributeDefinition(description = "Longest restart delay in milliseconds")
    long backoff_maxMillis() default 30_000;

    @AttributeDefinition(description = "A container up this long (seconds) resets its backoff")
    long backoff_stableSeconds() default 60;
}
