package io.openelb.ui;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * event loop; the sign-in's calls to the API server run on a worker thread.
 */
public final class UiAuth {
    /** Where a handler after {@link #mount} finds the request's session. */
    public static final String SESSION_KEY = "openelb.ui.session";

    static final String COOKIE = "openelb-ui";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    /** Ample for a bearer token (a ServiceAccount JWT is about 1 KiB) or an Eip form. */
    static final int BODY_LIMIT_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(UiAuth.class);
    private static final String SESSION_PATH = "/ui/api/session";

    private final Sessions sessions;
    private final UserClients clients;
    private final UiSettings settings;
    private final Clock clock;

    /** Also has {@code sessions} close a session's client in {@code clients} when the session expires. */
    public UiAuth(Sessions sessions, UserClients clients, UiSettings settings) {
        this(sessions, clients, settings, Clock.systemUTC());
    }

    /** With the clock a test moves. */
    UiAuth(Sessions sessions, UserClients clients, UiSettings settings, Clock clock) {
        this.sessions = sessions;
        this.clients = clients;
        this.settings = settings;
        this.clock = clock;
        sessions.whenExpired(clients::ended);
    }

    /** Adds the security headers, the session routes and the session/CSRF guard for {@code /ui/api/*}. */
    public void mount(Router router) {
        router.route("/ui/*").handler(UiAuth::securityHeaders);
        router.route("/ui/*").handler(UiAuth::refuseTokenInUrl);
        router.route("/ui/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
        router.route("/ui/api/*").failureHandler(UiAuth::failureAsJson);
        router.post(SESSION_PATH).handler(this::signIn);
        router.route("/ui/api/*").handler(this::guard);
        router.get(SESSION_PATH).handler(ctx -> sendSession(ctx, session(ctx).orElseThrow()));
        router.delete(SESSION_PATH).handler(this::signOut);
    }

    /** The session the guard found for this request (present in every handler behind the guard). */
    public static Optional<Session> session(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(SESSION_KEY));
    }

    private static void securityHeaders(RoutingContext ctx) {
        var headers = ctx.response().headers();
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        if (ctx.request().path().startsWith("/ui/api/")) {
            headers.set("Cache-Control", "no-store");
        }
        ctx.next();
    }

    /** A token in a URL ends up in logs and browser history: refused before anything reads it. */
    private static void refuseTokenInUrl(RoutingContext ctx) {
        var params = ctx.queryParams();
        if (params.contains("token") || params.contains("access_token")) {
            fail(ctx, 400, "a token is not taken from the URL: sign in with POST " + SESSION_PATH
                    + " and {\"token\": ...} in the body");
            return;
        }
        ctx.next();
    }

    private void guard(RoutingContext ctx) {
        Optional<Session> session = cookieSession(ctx);
        if (session.isEmpty()) {
            fail(ctx, 401, "sign in first");
            return;
        }
        if (!Origins.sameOrigin(ctx.request())) {
            fail(ctx, 403, Origins.FOREIGN);
            return;
        }
        if (ctx.request().method() != HttpMethod.GET && !csrfMatches(ctx.request(), session.get())) {
            fail(ctx, 403, "missing or wrong CSRF token");
            return;
        }
        ctx.put(SESSION_KEY, session.get());
        ctx.next();
    }

    private Optional<Session> cookieSession(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
        if (cookie == null || cookie.getValue().isEmpty()) {
            return Optional.empty();
        }
        return sessions.find(cookie.getValue(), clock.instant());
    }

    /** Compared in constant time, so the answer's timing tells nothing about how much of a guess was right. */
    private static boolean csrfMatches(HttpServerRequest request, Session session) {
        String sent = request.getHeader(CSRF_HEADER);
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8));
    }

    private void signIn(RoutingContext ctx) {
        if (!Origins.sameOrigin(ctx.request())) {
            fail(ctx, 403, Origins.FOREIGN);
            return;
        }
        Optional<String> token = TokenBody.token(ctx);
        if (token.isEmpty()) {
            fail(ctx, 400, TokenBody.WANTED);
            return;
        }
        ctx.vertx().executeBlocking(() -> ask(token.get()), false)
                .onSuccess(identity -> signedIn(ctx, token.get(), identity))
                .onFailure(failure -> signInFailed(ctx, failure));
    }

    /** Blocking: on a worker thread. */
    private SignIn.Identity ask(String token) {
        try (KubernetesClient client = clients.forToken(token)) {
            return SignIn.ask(client);
        }
    }

    private void signedIn(RoutingContext ctx, String token, SignIn.Identity identity) {
        Session session = sessions.create(token, identity.user(), identity.can(), clock.instant());
        LOG.info("UI sign-in: {}", identity.user().username());
        ctx.response().addCookie(sessionCookie(session.id()));
        sendSession(ctx, session);
    }

    private static void signInFailed(RoutingContext ctx, Throwable failure) {
        if (failure instanceof SignIn.Refused refused) {
            if (refused.status == 401) {
                LOG.info("UI sign-in refused: {}", refused.getMessage());
            } else {
                LOG.warn("UI sign-in failed: {}", refused.getMessage());
            }
            fail(ctx, refused.status, refused.getMessage());
            return;
        }
        // Only the type: the message of an unexpected failure might quote a request header.
        LOG.warn("UI sign-in failed: {}", failure.getClass().getName());
        fail(ctx, 502, "the API server could not check the token");
    }

    private void signOut(RoutingContext ctx) {
        Session session = session(ctx).orElseThrow();
        sessions.remove(session.id());
        clients.ended(session);
        LOG.info("UI sign-out: {}", session.user().username());
        ctx.response().addCookie(sessionCookie("").setMaxAge(0));
        ctx.response().setStatusCode(204).end();
    }

    private static Cookie sessionCookie(String value) {
        return Cookie.cookie(COOKIE, value)
                .setPath("/ui")
                .setHttpOnly(true)
                .setSecure(true)
                .setSameSite(CookieSameSite.STRICT);
    }

    private void sendSession(RoutingContext ctx, Session session) {
        Permissions can = session.can();
        JsonObject body = new JsonObject()
                .put("user", session.user().username())
                .put("groups", new JsonArray(session.user().groups()))
                .put("csrfToken", session.csrfToken())
                .put("writesEnabled", settings.writes())
                .put("can", new JsonObject()
                        .put("listEips", can.listEips())
                        .put("createEips", can.createEips())
                        .put("updateEips", can.updateEips())
                        .put("deleteEips", can.deleteEips())
                        .put("listServices", can.listServices())
                        .put("patchServices", can.patchServices())
                        .put("listBgpPeers", can.listBgpPeers())
                        .put("listEvents", can.listEvents()));
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** A failure of a UI API route (body too large, a handler's exception) as the API's JSON error. */
    private static void failureAsJson(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 500 && ctx.failure() != null) {
            LOG.warn("UI request {} {} failed: {}", ctx.request().method(), ctx.request().path(),
                    ctx.failure().getClass().getName());
        }
        fail(ctx, status, switch (status) {
            case 413 -> "the request body is larger than " + BODY_LIMIT_BYTES / 1024 + " KiB";
            case 400 -> "bad request";
            default -> "the request failed (HTTP " + status + ")";
        });
    }

    static void fail(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
