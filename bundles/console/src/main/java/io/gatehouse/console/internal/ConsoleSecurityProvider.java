package io.gatehouse.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.WebConsoleSecurityProvider;
import org.apache.felix.webconsole.WebConsoleSecurityProvider2;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web console login against a JAAS realm, with two levels: an admin uses the whole web console; a viewer may only
 * read the Gatehouse page (and the console's static resources), everything else answers 403.
 * <p>
 * Karaf's own provider admits one role only (admin), which would lock viewers out; this one is ranked above it and
 * otherwise behaves the same (HTTP Basic, the same request attributes, so Karaf runs each request as the subject).
 */
@Component(service = {WebConsoleSecurityProvider.class, WebConsoleSecurityProvider2.class},
        configurationPid = "io.gatehouse.console",
        property = "service.ranking:Integer=100")
@Designate(ocd = ConsoleSecurityProvider.Config.class)
public class ConsoleSecurityProvider implements WebConsoleSecurityProvider2 {

    @ObjectClassDefinition(name = "Gatehouse console login", description = "Who may log in to the web console")
    public @interface Config {
        @AttributeDefinition(description = "JAAS realm the console authenticates against")
        String realm() default "karaf";

        @AttributeDefinition(description = "Path prefix (after /system/console) a viewer may read")
        String[] viewer_paths() default {"/" + GatehousePlugin.LABEL, "/res/"};
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurityProvider.class);

    private final String realm;
    private final String[] viewerPaths;

    @Activate
    public ConsoleSecurityProvider(Config config) {
        this.realm = config.realm();
        this.viewerPaths = config.viewer_paths();
    }

    @Override
    public Object authenticate(String username, String password) {
        Subject subject = login(username, password);
        return subject != null && ConsoleUser.of(subject).canView() ? subject : null;
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user instanceof Subject s && ConsoleUser.of(s).roles().contains(role);
    }

    @Override
    public boolean authenticate(HttpServletRequest request, HttpServletResponse response) {
        String[] credentials = basicCredentials(request.getHeader("Authorization"));
        Subject subject = credentials == null ? null : login(credentials[0], credentials[1]);
        ConsoleUser user = subject == null ? null : ConsoleUser.of(subject);
        if (user == null || !user.canView()) {
            challenge(response);
            return false;
        }
        if (!user.isAdmin() && !viewerMayRead(request)) {
            forbid(response, user);
            return false;
        }
        request.setAttribute("org.osgi.service.http.authentication.type", HttpServletRequest.BASIC_AUTH);
        request.setAttribute("org.osgi.service.http.authentication.remote.user", credentials[0]);
        request.setAttribute(ConsoleUser.USER_ATTRIBUTE, credentials[0]);
        request.setAttribute(ConsoleUser.SUBJECT_ATTRIBUTE, subject);
        return true;
    }

    /** A viewer reads the Gatehouse page and static resources; a viewer's POST reaches the page, which refuses it. */
    boolean viewerMayRead(HttpServletRequest request) {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        for (String allowed : viewerPaths) {
            if (path.equals(allowed) || path.startsWith(allowed.endsWith("/") ? allowed : allowed + "/")) {
                return true;
            }
        }
        return false;
    }

    static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private Subject login(String username, String password) {
        Subject subject = new Subject();
        try {
            LoginContext context = new LoginContext(realm, subject, callbacks -> {
                for (var callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(username);
                    } else if (callback instanceof PasswordCallback pass) {
                        pass.setPassword(password.toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            context.login();
            return subject;
        } catch (LoginException e) {
            LOG.debug("console login of '{}' failed: {}", username, e.getMessage());
            return null;
        }
    }

    private void challenge(HttpServletResponse response) {
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentLength(0);
        flush(response);
    }

    private static void forbid(HttpServletResponse response, ConsoleUser user) {
        byte[] body = ("403 Forbidden: user '" + user.name() + "' has the viewer role and may only read the Gatehouse "
                + "page (/system/console/" + GatehousePlugin.LABEL + ")\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            LOG.debug("could not answer 403", e);
        }
        flush(response);
    }

    private static void flush(HttpServletResponse response) {
        try {
            response.flushBuffer();
        } catch (IOException e) {
            LOG.debug("could not flush the console's authentication answer", e);
        }
    }
}
