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

    @AttributeDefinition(description = "Resident memory (MB) above which a container is restarted gracefully; 0: no limit")
    long memory_limitMb() default 1024;

    @AttributeDefinition(description = "Most app containers cluster:scale accepts")
    int scale_max() default 8;

    @AttributeDefinition(description = "Seconds to wait for a drained container's requests in flight")
    long drain_timeoutSeconds() default 30;

    @AttributeDefinition(description = "Seconds a container gets to stop on SIGTERM before it is killed")
    long stop_timeoutSeconds() default 30;

    @AttributeDefinition(description = "Seconds a (re)started container gets to answer /health with 200")
    long start_timeoutSeconds() default 240;

    @AttributeDefinition(description = "Seconds a (re)started container must keep answering /health with 200 before it "
            + "receives requests: its web application settles after the first 200")
    long start_settleSeconds() default 5;

    @AttributeDefinition(description = "Seconds to wait, after re-admitting a container, until the balancer sends it requests")
    long readmit_timeoutSeconds() default 60;

    @AttributeDefinition(description = "Seconds a deployed bundle or feature gets to be active and healthy before it is rolled back")
    long deploy_timeoutSeconds() default 60;

    @AttributeDefinition(description = "The ./platform script that lays out new containers; empty: the gatehouse.platform system property")
    String platform() default "";
}
