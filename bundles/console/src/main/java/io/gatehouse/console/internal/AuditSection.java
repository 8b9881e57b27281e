package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import java.io.PrintWriter;

/** Recent audit and security events and the hash chain's verification state, as the {@code audit:} commands show them. */
final class AuditSection {

    static final int TAIL = 20;

    private final ShellRunner shell;

    AuditSection(ShellRunner shell) {
        this.shell = shell;
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
        out.println("<h3>Recent events</h3><pre class='gh-pre' id='gh-audit-tail'>" + esc(quietly("audit:tail"))
                + "</pre></section>");
    }

    private String quietly(String command) {
        try {
            return shell.run(command);
        } catch (IllegalStateException e) {
            return command + " failed: " + e.getMessage();
        }
    }
}
