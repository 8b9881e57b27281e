package io.gatehouse.ratelimit.command.completers;

import io.gatehouse.ratelimit.internal.ZoneRegistry;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes rate-limit zone names. */
@Service
public class ZoneNameCompleter implements Completer {

    @Reference
    ZoneRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(registry.names()).complete(session, commandLine, candidates);
    }
}
