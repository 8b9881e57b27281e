package io.gatehouse.audit.command;

import io.gatehouse.audit.internal.AuditStatus;
import io.gatehouse.audit.internal.ChainVerifier;
import java.sql.Connection;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "audit", name = "verify",
        description = "Walks the audit hash chain and names the first row that was altered or removed")
@Service
public class VerifyCommand implements Action {

    @Reference
    private AuditStatus audit;

    @Override
    public Object execute() throws Exception {
        ChainVerifier.Result result;
        try (Connection c = audit.dataSource().getConnection()) {
            result = ChainVerifier.verify(c);
        }
        ShellTable table = new ShellTable();
        table.column("Result");
        table.column("Rows checked").alignRight();
        table.column("Chain head").alignRight();
        table.column("First bad row");
        table.column("Problem");
        table.addRow().addContent(result.intact() ? "INTACT" : "TAMPERED", result.rowsChecked(), result.headSeq(),
                result.badSeq() == null ? "" : "seq " + result.badSeq()
                        + (result.badEventId() == null ? "" : " (event " + result.badEventId() + ")"),
                result.intact() ? "" : result.problem());
        table.print(System.out);
        if (!result.intact()) {
            // a failed verification must fail the command (scripts, ./platform exec)
            throw new IllegalStateException("audit chain verification failed: " + result.problem());
        }
        return null;
    }
}
