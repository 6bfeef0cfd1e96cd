package io.openelb.ui;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.regex.Pattern;

/** The token of a sign-in request: from its JSON body only. Called on the event loop. */
final class TokenBody {
    static final String WANTED = "send {\"token\": \"<bearer token>\"} as application/json";

    /** What can go in an Authorization header: visible ASCII, no spaces (RFC 6750 b64token and JWTs). */
    private static final Pattern BEARER = Pattern.compile("[\\x21-\\x7E]{1,16384}");

    private TokenBody() {}

    /**
     * The token, or empty when the body is not JSON (a cross-site form cannot send {@code application/json}
     * without a preflight this server never allows), has no token, or the token is not one an HTTP header can
     * carry. The answer never quotes what was sent.
     */
    static Optional<String> token(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return Optional.empty();
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            return Optional.empty();
        }
        Object token = body == null ? null : body.getValue("token");
        if (!(token instanceof String text)) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        return BEARER.matcher(trimmed).matches() ? Optional.of(trimmed) : Optional.empty();
    }
}
