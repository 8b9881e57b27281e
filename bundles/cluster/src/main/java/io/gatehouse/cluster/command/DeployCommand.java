package io.gatehouse.cluster.command;

import io.gatehouse.cluster.internal.Supervisor;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "cluster", name = "deploy", description = "Rolling deploy of a feature or a bundle to every app "
        + "container, one at a time: drain, install or update, health check, re-admit; a container that fails its "
        + "health check is rolled back and the rollout stops")
@Service
public class DeployCommand implements Action {

    @Reference
    Supervisor supervisor;

    @Option(name = "--check", description = "a path that must also answer 2xx on the container (besides /health and "
            + "the bundle being ACTIVE), e.g. /api/version")
    String check;

    @Argument(index = 0, name = "what", description = "a feature name, or a bundle URL (mvn:, file:, http:)",
            required = true)
    String what;

    @Override
    public Object execute() throws Exception {
        supervisor.deploy(what, check, System.out::println);
        return null;
    }
}
