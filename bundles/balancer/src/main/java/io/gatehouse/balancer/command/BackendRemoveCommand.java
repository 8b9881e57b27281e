package io.gatehouse.balancer.command;

import io.gatehouse.balancer.command.completers.BackendIdCompleter;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "balancer", name = "backend-remove", description = "Removes a backend; its in-flight requests finish")
@Service
public class BackendRemoveCommand extends BalancerCommandSupport {

    @Argument(index = 0, name = "id", description = "the backend, host:port", required = true)
    @Completion(BackendIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        if (!balancer.removeBackend(id)) {
            throw unknownBackend(id, balancer);
        }
        System.out.println("Backend " + id + " removed");
        return null;
    }
}
