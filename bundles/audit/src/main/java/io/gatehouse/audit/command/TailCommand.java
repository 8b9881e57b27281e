package io.gatehouse.audit.command;

import io.gatehouse.audit.internal.AuditQueries;
import io.gatehouse.audit.internal.AuditStatus;
import java.sql.Connection;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "audit", name = "tail", description = "Shows the newest audit rows stored in the database")
@Service
public class TailCommand implements Action {

    @Reference
    private AuditStatus audit;

    @Argument(index = 0, name = "n", description = "how many rows (1-10000, default 20)")
    private String n = "20";

    @Override
    public Object execute() throws Exception {
        int count;
        try {
            count = Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > 10_000) {
            System.err.println("n must be a number from 1 to 10000, was '" + n + "'");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Seq").alignRight();
        table.column("Time");
        table.column("Actor");
        table.column("Action");
        table.column("Target");
        table.column("Outcome");
        table.column("Client");
        table.column("Request");
        try (Connection c = audit.dataSource().getConnection()) {
            for (AuditQueries.Row r : AuditQueries.tail(c, count)) {
                table.addRow().addContent(r.seq(), r.time(), r.actor(), r.action(), r.target(), r.outcome(),
                        r.clientAddress(), r.requestId());
            }
        }
        table.print(System.out);
        return null;
    }
}
