package io.gatehouse.audit.command;

import io.gatehouse.audit.internal.AuditStatus;
import java.time.Duration;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "audit", name = "spool", description = "Shows the local audit spool: size, oldest event, drain state, last error")
@Service
public class SpoolCommand implements Action {

    @Reference
    private AuditStatus audit;

    @Override
    public Object execute() {
        AuditStatus.Snapshot s = audit.snapshot();
        ShellTable table = new ShellTable();
        table.column("Property");
        table.column("Value");
        table.addRow().addContent("Directory", s.directory());
        table.addRow().addContent("Events waiting", s.events());
        table.addRow().addContent("Bytes", s.bytes() + " of " + s.maxBytes() + String.format(" (%.1f%%)", 100.0 * s.bytes() / s.maxBytes()));
        table.addRow().addContent("Oldest waiting event", s.oldestPending() == null ? "-"
                : s.oldestPending() + " (" + Duration.between(s.oldestPending(), Instant.now()).toSeconds() + " s ago)");
        table.addRow().addContent("Drain state", s.state());
        table.addRow().addContent("Stored since start", s.storedEvents());
        table.addRow().addContent("Last stored batch", s.lastStored() == null ? "-" : s.lastStored());
        table.addRow().addContent("Last error", s.lastError() == null ? "-" : s.lastErrorTime() + " " + s.lastError());
        table.print(System.out);
        return null;
    }
}
