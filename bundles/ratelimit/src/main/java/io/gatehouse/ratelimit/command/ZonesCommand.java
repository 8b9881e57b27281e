package io.gatehouse.ratelimit.command;

import io.gatehouse.ratelimit.internal.ZoneRegistry;
import io.gatehouse.ratelimit.internal.ZoneStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "ratelimit", name = "zones", description = "Lists the rate-limit zones: configuration and live counters")
@Service
public class ZonesCommand implements Action {

    @Reference
    ZoneRegistry registry;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Zone");
        table.column("Paths");
        table.column("Methods");
        table.column("Key");
        table.column("Rate");
        table.column("Burst").alignRight();
        table.column("Delay");
        table.column("Conn").alignRight();
        table.column("Keys").alignRight();
        table.column("Passed").alignRight();
        table.column("Delayed").alignRight();
        table.column("Limited").alignRight();
        table.column("Conn limited").alignRight();
        for (ZoneStatus z : registry.status()) {
            table.addRow().addContent(z.name(), z.paths(), z.methods(), z.key(), z.rate(), z.burst(), z.delay(),
                    z.conn() == 0 ? "-" : z.conn(), z.keys() + "/" + z.maxKeys(), z.passed(), z.delayed(),
                    z.limited(), z.connLimited());
        }
        table.print(System.out);
        return null;
    }
}
