package io.gatehouse.balancer.command;

import io.gatehouse.api.balancer.Backend;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "balancer", name = "backends", description = "Lists the backends with their state and load")
@Service
public class BackendsCommand extends BalancerCommandSupport {

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Backend", "State", "Active", "Requests", "Failures", "EWMA ms", "Weight",
            "Max conns", "Backup", "Source"}) {
            table.column(column);
        }
        for (Backend b : balancer.backends()) {
            int effective = b.effectiveWeight();
            table.addRow().addContent(b.id(), b.state(), b.activeRequests(), b.totalRequests(), b.totalFailures(),
                    String.format(Locale.ROOT, "%.2f", b.latencyEwmaNanos() / 1e6),
                    effective == b.weight() ? String.valueOf(b.weight()) : effective + "/" + b.weight(),
                    b.maxConnections() == 0 ? "-" : String.valueOf(b.maxConnections()), b.backup() ? "yes" : "",
                    b.source());
        }
        table.print(System.out);
        System.out.println("Strategy: " + balancer.strategy());
        return null;
    }
}
