package io.gatehouse.console.internal;

import java.security.Principal;
import java.util.Set;
import java.util.TreeSet;
import javax.security.auth.Subject;
import javax.servlet.http.HttpServletRequest;

/**
 * Who is using the console and what they may do, read from the JAAS subject the web console authenticated. Only an
 * {@value #ADMIN} changes anything; a {@value #VIEWER} may look.
 *
 * @param name the login name, or {@code anonymous}
 * @param roles the JAAS role names of the subject
 */
public record ConsoleUser(String name, Set<String> roles) {

    public static final String ADMIN = "admin";
    public static final String VIEWER = "viewer";

    /** Request attribute under which Karaf's web console passes the authenticated JAAS subject. */
    static final String SUBJECT_ATTRIBUTE = "karaf.subject.runas";
    /** Request attribute under which the Felix web console passes the user name. */
    static final String USER_ATTRIBUTE = "org.apache.felix.webconsole.user";

    private static final String ROLE_PRINCIPAL = "org.apache.karaf.jaas.boot.principal.RolePrincipal";
    private static final String USER_PRINCIPAL = "org.apache.karaf.jaas.boot.principal.UserPrincipal";

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }

    public boolean canView() {
        return isAdmin() || roles.contains(VIEWER);
    }

    public static ConsoleUser from(HttpServletRequest request) {
        Object subject = request.getAttribute(SUBJECT_ATTRIBUTE);
        if (subject instanceof Subject s) {
            return of(s);
        }
        return new ConsoleUser("anonymous", Set.of());
    }

    /** The user a JAAS subject stands for, with its Karaf role principals. */
    public static ConsoleUser of(Subject subject) {
        String name = "anonymous";
        Set<String> roles = new TreeSet<>();
        for (Principal p : subject.getPrincipals()) {
            String type = p.getClass().getName();
            if (ROLE_PRINCIPAL.equals(type)) {
                roles.add(p.getName());
            } else if (USER_PRINCIPAL.equals(type)) {
                name = p.getName();
            }
        }
        return new ConsoleUser(name, Set.copyOf(roles));
    }
}
