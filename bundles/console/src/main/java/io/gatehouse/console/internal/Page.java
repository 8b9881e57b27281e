package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import java.util.Locale;

/** What every section needs to render: the user, the CSRF token for forms, and a few shared fragments. */
final class Page {

    private final ConsoleUser user;
    private final String csrfToken;

    Page(ConsoleUser user, String csrfToken) {
        this.user = user;
        this.csrfToken = csrfToken;
    }

    ConsoleUser user() {
        return user;
    }

    String csrfField() {
        return "<input type='hidden' name='" + CsrfTokens.FIELD + "' value='" + esc(csrfToken) + "'/>";
    }

    /** A one-button form posting {@code action} with one hidden parameter. */
    String form(String action, String label, String name, String value) {
        return "<form method='post' class='gh-inline'>" + csrfField()
                + "<input type='hidden' name='action' value='" + esc(action) + "'/>"
                + "<input type='hidden' name='" + esc(name) + "' value='" + esc(value) + "'/>"
                + "<button type='submit' class='gh-" + esc(action) + "'>" + esc(label) + "</button></form>";
    }

    static String absent(String what, String feature) {
        return "<p class='gh-absent'>The " + esc(what) + " service is not running here (install feature "
                + esc(feature) + "): this section has nothing to show.</p>";
    }

    static String num(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "&ndash;";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.2f", value);
    }

    /** A figure as plain text (for text nodes, not markup): a dash when unknown, whole above 100. */
    static String plain(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "\u2013";
        }
        return String.format(Locale.ROOT, value >= 100 || value == Math.rint(value) ? "%.0f" : "%.2f", value);
    }
}
