package io.gatehouse.ratelimit.command;

import io.gatehouse.ratelimit.command.completers.ZoneNameCompleter;
import io.gatehouse.ratelimit.internal.ZoneRegistry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "ratelimit", name = "reset",
        description = "Forgets a zone's limit_req state, for every key or for one key (a client address, header value...)")
@Service
public class ResetCommand implements Action {

    @Reference
    ZoneRegistry registry;

    @Argument(index = 0, name = "zone", description = "The zone name", required = true)
    @Completion(ZoneNameCompleter.class)
    String zone;

    @Argument(index = 1, name = "key", description = "The key to forget; every key when omitted")
    String key;

    @Override
    public Object execute() {
        int n;
        try {
            n = registry.reset(zone, key);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return null;
        }
        if (key == null) {
            System.out.println("Zone '" + zone + "': forgot " + n + " key(s)");
        } else {
            System.out.println(n == 0 ? "Zone '" + zone + "' had no state for key '" + key + "'"
                    : "Zone '" + zone + "': forgot key '" + key + "'");
        }
        return null;
    }
}
