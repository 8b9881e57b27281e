package io.gatehouse.itests.thirdparty;

import io.gatehouse.api.balancer.BalancingStrategy;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Registers {@link LastCandidateStrategy} with only the SPI: no DS, no Gatehouse internals. */
public final class LastCandidateActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(BalancingStrategy.NAME, LastCandidateStrategy.NAME);
        context.registerService(BalancingStrategy.class, new LastCandidateStrategy(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }
}
