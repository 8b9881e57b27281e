package io.gatehouse.cluster.command;

import io.gatehouse.cluster.internal.InstanceView;
import io.gatehouse.cluster.internal.Supervisor;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "cluster", name = "instances",
        description = "Lists the app containers: state, pid, port, uptime, memory, CPU, restarts, last exit")
@Service
public class InstancesCommand implements Action {

    @Reference
    Supervisor supervisor;

    @Override
    public Object execute() {
        if (!supervisor.active()) {
            System.out.println("The supervisor is idle: this container was not started by ./platform (no runtime folder)");
            return null;
        }
        if (!supervisor.configError().isEmpty()) {
            System.out.println(supervisor.configError());
        }
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Instance", "State", "PID", "Port", "Uptime", "Memory", "CPU", "Restarts",
            "Last exit"}) {
            table.column(column);
        }
        for (InstanceView i : supervisor.instances()) {
            table.addRow().addContent(i.name(), i.state(), i.pid() > 0 ? String.valueOf(i.pid()) : "-",
                    i.port() > 0 ? String.valueOf(i.port()) : "-", duration(i.uptime().toSeconds()),
                    i.memoryBytes() > 0 ? (i.memoryBytes() >> 20) + " MB" : "-",
                    i.pid() > 0 ? String.format(java.util.Locale.ROOT, "%.1f s", i.cpuSeconds()) : "-", i.restarts(), i.lastExit());
        }
        table.print(System.out);
        return null;
    }

    private static String duration(long s) {
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }
}
