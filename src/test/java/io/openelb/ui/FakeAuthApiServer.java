package io.openelb.ui;

import io.fabric8.mockwebserver.Context;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's mock API server answering SelfSubjectReviews and SelfSubjectAccessReviews as a real one would for the
 * tokens a test registers: 401 for any other token, the user and {@code "verb resource"} rights of a known one.
 */
final class FakeAuthApiServer extends Dispatcher {
    static final String SELF_SUBJECT_REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    static final String SELF_SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    private record User(String name, List<String> groups, Set<String> rights) {}

    private final Map<String, User> byToken = new ConcurrentHashMap<>();
    private volatile int failWith;

    /** A started mock server that answers through {@code fake}; the test destroys it. */
    static KubernetesMockServer start(FakeAuthApiServer fake) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                fake, false);
        server.init();
        return server;
    }

    /** {@code token} is {@code name} in {@code groups}, allowed {@code rights} such as {@code "list eips"}. */
    void accept(String token, String name, List<String> groups, Set<String> rights) {
        byToken.put(token, new User(name, groups, rights));
    }

    /** From now on every review answers {@code status} (an API server in trouble). */
    void failWith(int status) {
        failWith = status;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (failWith != 0) {
            return status(failWith, "InternalError", "etcd is not answering");
        }
        String authorization = request.getHeader("Authorization");
        User user = authorization == null || !authorization.startsWith("Bearer ")
                ? null : byToken.get(authorization.substring("Bearer ".length()));
        if (user == null) {
            return status(401, "Unauthorized", "Unauthorized");
        }
        if (!"POST".equals(request.getMethod())) {
            return status(405, "MethodNotAllowed", "only POST");
        }
        return switch (request.getPath()) {
            case SELF_SUBJECT_REVIEWS -> created(new JsonObject()
                    .put("apiVersion", "authentication.k8s.io/v1").put("kind", "SelfSubjectReview")
                    .put("status", new JsonObject().put("userInfo", new JsonObject()
                            .put("username", user.name()).put("groups", new JsonArray(user.groups())))));
            case SELF_SUBJECT_ACCESS_REVIEWS -> accessReview(request, user);
            default -> status(404, "NotFound", "the server could not find the requested resource");
        };
    }

    private static MockResponse accessReview(RecordedRequest request, User user) {
        JsonObject review = new JsonObject(request.getUtf8Body());
        JsonObject attributes = review.getJsonObject("spec").getJsonObject("resourceAttributes");
        String right = attributes.getString("verb") + " " + attributes.getString("resource");
        review.put("status", new JsonObject().put("allowed", user.rights().contains(right)));
        return created(review);
    }

    private static MockResponse created(JsonObject body) {
        return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                .setBody(body.encode());
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(new JsonObject().put("apiVersion", "v1").put("kind", "Status").put("status", "Failure")
                        .put("reason", reason).put("message", message).put("code", code).encode());
    }
}
