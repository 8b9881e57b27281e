package io.gatehouse.listener.command;

import io.gatehouse.listener.internal.FilterChain;
import io.gatehouse.listener.internal.FilterEntry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code gateway:filters}: the request filter chain in execution order, with its counters. */
@Command(scope = "gateway", name = "filters", description = "Lists the request filters in the order they run, with their counters")
@Service
public class FiltersCommand implements Action {

    @Reference
    FilterChain chain;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Name");
        table.column("Ranking").alignRight();
        table.column("Bundle");
        table.column("Seen").alignRight();
        table.column("Rejected").alignRight();
        table.column("Delayed").alignRight();
        table.column("Failed").alignRight();
        int position = 1;
        for (FilterEntry entry : chain.entries()) {
            table.addRow().addContent(position++, entry.name(), entry.ranking(), entry.bundle(), entry.seen(),
                    entry.rejected(), entry.delayed(), entry.failed());
        }
        table.print(System.out);
        return null;
    }
}
