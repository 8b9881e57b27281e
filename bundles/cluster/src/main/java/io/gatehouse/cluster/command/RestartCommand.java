package io.gatehouse.cluster.command;

import io.gatehouse.cluster.command.completers.InstanceNameCompleter;
import io.gatehouse.cluster.internal.Supervisor;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "cluster", name = "restart", description = "Restarts one app container gracefully: drain, stop, "
        + "start, wait for /health, re-admit with slow start")
@Service
public class RestartCommand implements Action {

    @Reference
    Supervisor supervisor;

    @Argument(index = 0, name = "instance", description = "the app container, e.g. app-1", required = true)
    @Completion(InstanceNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        supervisor.restart(name, System.out::println);
        return null;
    }
}
