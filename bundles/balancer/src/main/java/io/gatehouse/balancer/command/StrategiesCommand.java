package io.gatehouse.balancer.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "balancer", name = "strategies", description = "Lists the balancing strategies available now")
@Service
public class StrategiesCommand extends BalancerCommandSupport {

    @Override
    public Object execute() {
        String active = balancer.strategy();
        ShellTable table = new ShellTable();
        table.column("Strategy");
        table.column("Active");
        for (String name : balancer.strategies()) {
            table.addRow().addContent(name, name.equals(active) ? "*" : "");
        }
        table.print(System.out);
        return null;
    }
}
