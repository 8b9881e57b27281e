package io.gatehouse.balancer.command;

import io.gatehouse.balancer.command.completers.BackendIdCompleter;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "balancer", name = "backend-drain", description = "Stops sending new requests to a backend; in-flight ones finish")
@Service
public class BackendDrainCommand extends BalancerCommandSupport {

    @Argument(index = 0, name = "id", description = "the backend, host:port", required = true)
    @Completion(BackendIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        if (!balancer.drain(id)) {
            throw unknownBackend(id, balancer);
        }
        System.out.println("Backend " + id + " draining: in-flight requests finish, no new ones");
        return null;
    }
}
