package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import java.io.PrintWriter;
import java.sql.SQLException;

/** Recent audit and security events and the hash chain's verification state, as the {@code audit:} commands show them. */
final class AuditSection {

    static final int TAIL = 20;

    private final ShellRunner shell;
    private final SecurityEventsTable securityEvents;

    AuditSection(ShellRunner shell, SecurityEventsTable securityEvents) {
        this.shell = shell;
        this.securityEvents = securityEvents;
    }

    void render(PrintWriter out, Page page) {
        out.println("<section id='gh-audit' class='gh-section'><h2>Audit</h2>");
        if (!shell.has("audit", "tail")) {
            out.println(Page.absent("audit", "gatehouse-audit") + "</section>");
            return;
        }
        out.println("<h3>Chain verification</h3><pre class='gh-pre' id='gh-audit-verify'>"
                + esc(shell.has("audit", "verify") ? quietly("audit:verify") : "audit:verify is not available")
                + "</pre>");
        out.println("<h3>Recent audit events</h3><pre class='gh-pre' id='gh-audit-tail'>"
                + esc(quietly("audit:tail " + TAIL)) + "</pre>");
        renderSecurityEvents(out);
        out.println("</section>");
    }

    private void renderSecurityEvents(PrintWriter out) {
        out.println("<h3>Recent security events</h3>");
        if (!securityEvents.present()) {
            out.println("<p class='gh-absent'>No Gatehouse database is configured here: security events cannot be "
                    + "read.</p>");
            return;
        }
        try {
            var rows = securityEvents.newest(TAIL);
            if (rows.isEmpty()) {
                out.println("<p class='gh-muted' id='gh-security-events'>No security event recorded.</p>");
                return;
            }
            out.println("<table class='gh-table' id='gh-security-events'><thead><tr><th>Time</th><th>Type</th>"
                    + "<th>Subject</th><th>Client</th><th>Detail</th></tr></thead><tbody>");
            for (SecurityEventsTable.Row r : rows) {
                out.println("<tr><td>" + esc(r.time()) + "</td><td>" + esc(r.type()) + "</td><td>" + esc(r.subject())
                        + "</td><td>" + esc(r.client()) + "</td><td>" + esc(r.detail()) + "</td></tr>");
            }
            out.println("</tbody></table>");
        } catch (SQLException e) {
            out.println("<p class='gh-absent'>Security events cannot be read: " + esc(e.getMessage()) + "</p>");
        }
    }

    private String quietly(String command) {
        try {
            return shell.run(command);
        } catch (IllegalStateException e) {
            return command + " failed: " + e.getMessage();
        }
    }
}
