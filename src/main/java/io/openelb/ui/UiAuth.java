package io.openelb.ui;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Sign-in, sign-out and the guards of every UI request.
 *
 * <ul>
 *   <li>{@code POST /ui/api/session} with {@code {"token": "..."}}: the API server is asked who the token
 *       is (SelfSubjectReview) and what it may do (SelfSubjectAccessReviews); a token it refuses gets 401.
 *       Sets the cookie {@code openelb-ui} (HttpOnly, Secure, SameSite=Strict, Path=/ui).</li>
 *   <li>{@code GET /ui/api/session}: who is signed in (401 when nobody).</li>
 *   <li>{@code DELETE /ui/api/session}: signs out.</li>
 *   <li>Every other {@code /ui/api/} request needs a live session (else 401 JSON); every method but GET also
 *       needs {@code X-CSRF-Token} equal to the session's and, when the browser sends {@code Origin}, an
 *       origin equal to the request's own (else 403).</li>
 *   <li>Every {@code /ui/} response carries Content-Security-Policy (self only, no inline script or style),
 *       X-Content-Type-Options, Referrer-Policy no-referrer, frame-ancestors none; API responses
 *       Cache-Control no-store.</li>
 * </ul>
 * The token is never logged, never in a URL and never sent back to the browser. Runs on the HTTP verticle's
 * event loop.
 */
public final class UiAuth {
    /** Where a handler after {@link #mount} finds the request's session. */
    public static final String SESSION_KEY = "openelb.ui.session";

    public UiAuth(Sessions sessions, UserClients clients, UiSettings settings) {
    }

    /** Adds the security headers, the session routes and the session/CSRF guard for {@code /ui/api/*}. */
    public void mount(Router router) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The session the guard found for this request (present in every handler behind the guard). */
    public static Optional<Session> session(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(SESSION_KEY));
    }
}
