package io.gatehouse.listener.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.CompressedContentFormat;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path prefixes served from directories, and the Cache-Control policy per glob. Jetty's ResourceHandler gives
 * ETag/Last-Modified, conditional GET, Range and precompressed .br/.gz; its alias checks keep every byte inside the
 * directory (symlinks out of it are refused).
 */
final class StaticRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(StaticRoutes.class);

    record Route(String prefix, Path directory) {
    }

    record CachePolicy(String glob, PathMatcher matcher, String value) {
    }

    private final List<Route> routes;
    private final List<CachePolicy> cachePolicies;

    private StaticRoutes(List<Route> routes, List<CachePolicy> cachePolicies) {
        this.routes = routes;
        this.cachePolicies = cachePolicies;
    }

    /** @throws IllegalArgumentException naming the entry that is not {@code /prefix/=directory} or {@code glob=value} */
    static StaticRoutes parse(String[] routeEntries, String[] cacheEntries) {
        List<Route> routes = new ArrayList<>();
        for (String entry : routeEntries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String prefix = eq < 0 ? "" : entry.substring(0, eq).trim();
            String dir = eq < 0 ? "" : Placeholders.resolve(entry.substring(eq + 1).trim());
            if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 3 || dir.isEmpty()
                    || prefix.contains("..") || prefix.contains("//")) {
                throw new IllegalArgumentException("static route '" + entry + "' must be /prefix/=directory, e.g. /ui/=/srv/ui");
            }
            routes.add(new Route(prefix, Path.of(dir).toAbsolutePath().normalize()));
        }
        List<CachePolicy> policies = new ArrayList<>();
        for (String entry : cacheEntries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("static cache-control '" + entry + "' must be glob=value, e.g. *.js=public, max-age=600");
            }
            String glob = entry.substring(0, eq).trim();
            String matcherGlob = glob.startsWith("/") ? glob : "**/" + glob;
            PathMatcher matcher;
            try {
                matcher = FileSystems.getDefault().getPathMatcher("glob:" + matcherGlob);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("static cache-control glob '" + glob + "' is invalid: " + e.getMessage(), e);
            }
            policies.add(new CachePolicy(glob, matcher, entry.substring(eq + 1).trim()));
        }
        return new StaticRoutes(List.copyOf(routes), List.copyOf(policies));
    }

    List<Route> routes() {
        return routes;
    }

    /** The route serving {@code path}, or null when the path is proxied. */
    Route match(String path) {
        for (Route route : routes) {
            if (path.startsWith(route.prefix()) || path.length() + 1 == route.prefix().length() && route.prefix().startsWith(path)) {
                return route;
            }
        }
        return null;
    }

    String cacheControl(String path) {
        Path p = Path.of(path.endsWith("/") ? path + "index.html" : path); // a directory serves its welcome file
        for (CachePolicy policy : cachePolicies) {
            if (policy.matcher().matches(p) || "*".equals(policy.glob())) {
                return policy.value();
            }
        }
        return null;
    }

    /** One context per route, behind on-the-fly gzip for text types. */
    Handler newHandler(int gzipMinBytes) {
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        for (Route route : routes) {
            if (!Files.isDirectory(route.directory())) {
                LOG.warn("Static route {} points at {}, which is not a directory: its requests will get 404",
                        route.prefix(), route.directory());
            }
            ResourceHandler files = new ResourceHandler();
            files.setBaseResource(ResourceFactory.root().newResource(route.directory()));
            files.setDirAllowed(false);
            files.setEtags(true);
            files.setAcceptRanges(true);
            files.setPrecompressedFormats(CompressedContentFormat.BR, CompressedContentFormat.GZIP);
            files.setWelcomeFiles("index.html");
            ContextHandler context = new ContextHandler(files, route.prefix().substring(0, route.prefix().length() - 1));
            context.setAllowNullPathInContext(false);
            context.clearAliasChecks(); // every alias (symlink, case or 8.3 variant) is refused: no byte from elsewhere
            contexts.addHandler(context);
        }
        GzipHandler gzip = new GzipHandler(contexts);
        gzip.setMinGzipSize(gzipMinBytes);
        return gzip;
    }
}
