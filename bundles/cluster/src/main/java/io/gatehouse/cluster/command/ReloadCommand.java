package io.gatehouse.cluster.command;

import io.gatehouse.cluster.internal.Supervisor;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "cluster", name = "reload", description = "Rolling restart: one app container at a time is drained, "
        + "restarted, checked healthy and re-admitted, so no request fails")
@Service
public class ReloadCommand implements Action {

    @Reference
    Supervisor supervisor;

    @Override
    public Object execute() throws Exception {
        supervisor.reload(System.out::println);
        return null;
    }
}
