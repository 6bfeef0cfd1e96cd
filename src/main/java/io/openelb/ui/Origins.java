package io.openelb.ui;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a request that names its origin comes from the page this server serves: the {@code Origin} header, when
 * the browser sends one, must name the request's own scheme, host and port. Called on the event loop.
 */
final class Origins {
    static final String FOREIGN = "the request comes from another origin";

    private Origins() {}

    /** True without an {@code Origin} header (not every browser sends it on same-origin requests). */
    static boolean sameOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        return origin == null || sameOrigin(origin, request.scheme(), request.authority());
    }

    /** {@code origin} (scheme://host[:port]) names {@code scheme} and {@code authority}; default ports implied. */
    static boolean sameOrigin(String origin, String scheme, HostAndPort authority) {
        if (scheme == null || authority == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false; // "null" (an opaque origin) parses; garbage does not: both are foreign
        }
        boolean hasPath = uri.getRawPath() != null && !uri.getRawPath().isEmpty();
        if (uri.getScheme() == null || uri.getHost() == null || hasPath) {
            return false;
        }
        String ownScheme = scheme.toLowerCase(Locale.ROOT);
        return uri.getScheme().toLowerCase(Locale.ROOT).equals(ownScheme)
                && bare(uri.getHost()).equals(bare(authority.host()))
                && port(uri.getPort(), ownScheme) == port(authority.port(), ownScheme);
    }

    /** The host without IPv6 brackets, in lower case. */
    private static String bare(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }

    private static int port(int port, String scheme) {
        if (port >= 0) {
            return port;
        }
        return "https".equals(scheme) ? 443 : 80;
    }
}
