package io.gatehouse.cluster.command;

import io.gatehouse.cluster.internal.Supervisor;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "cluster", name = "scale", description = "Runs this many app containers: adds them on the next ports "
        + "(laid out by ./platform), or drains and removes the highest-numbered")
@Service
public class ScaleCommand implements Action {

    @Reference
    Supervisor supervisor;

    // a String, so "abc" gets the supervisor's message naming the value rather than a conversion error
    @Argument(index = 0, name = "count", description = "the number of app containers, 1 to scale.max", required = true)
    String count;

    @Override
    public Object execute() throws Exception {
        supervisor.scale(count, System.out::println);
        return null;
    }
}
