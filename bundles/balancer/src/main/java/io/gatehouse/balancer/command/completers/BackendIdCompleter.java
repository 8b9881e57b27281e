package io.gatehouse.balancer.command.completers;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.LoadBalancer;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids ({@code host:port}) of the registered backends. */
@Service
public class BackendIdCompleter implements Completer {

    @Reference
    LoadBalancer balancer;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(balancer.backends().stream().map(Backend::id).toList())
                .complete(session, commandLine, candidates);
    }
}
