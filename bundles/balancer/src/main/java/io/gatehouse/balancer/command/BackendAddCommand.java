package io.gatehouse.balancer.command;

import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.balancer.internal.HostPort;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "balancer", name = "backend-add",
        description = "Adds a backend (or updates the one at that address) until the balancer restarts")
@Service
public class BackendAddCommand extends BalancerCommandSupport {

    @Argument(index = 0, name = "address", description = "host:port", required = true)
    String address;

    @Option(name = "--weight", description = "relative weight, at least 1")
    int weight = 1;

    @Option(name = "--max-conns", description = "concurrent requests allowed, 0 for no limit")
    int maxConns;

    @Option(name = "--backup", description = "receives requests only when no primary backend can")
    boolean backup;

    @Override
    public Object execute() {
        HostPort hp = HostPort.parse(address);
        BackendSpec spec = new BackendSpec(hp.host(), hp.port(), weight, maxConns, backup);
        balancer.addBackend(spec, "shell");
        System.out.println("Backend " + spec + " added");
        return null;
    }
}
