package io.gatehouse.balancer.command;

import io.gatehouse.balancer.command.completers.BackendIdCompleter;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "balancer", name = "backend-enable", description = "Re-admits a drained backend")
@Service
public class BackendEnableCommand extends BalancerCommandSupport {

    @Argument(index = 0, name = "id", description = "the backend, host:port", required = true)
    @Completion(BackendIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        if (!balancer.enable(id)) {
            throw unknownBackend(id, balancer);
        }
        System.out.println("Backend " + id + " enabled (through slow start if configured)");
        return null;
    }
}
