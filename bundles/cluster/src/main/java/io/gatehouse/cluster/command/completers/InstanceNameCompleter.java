package io.gatehouse.cluster.command.completers;

import io.gatehouse.cluster.internal.Supervisor;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the app containers the supervisor runs. */
@Service
public class InstanceNameCompleter implements Completer {

    @Reference
    Supervisor supervisor;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(supervisor.names()).complete(session, commandLine, candidates);
    }
}
