package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A UI request that ends in an error: the HTTP status and the body {@code {"error": "...", ...}} of
 * {@code docs/ui.md}. Thrown by the handlers' steps (on a worker or the event loop); the route turns it into
 * the response.
 */
final class UiError extends RuntimeException {
    static final String READ_ONLY = "the UI is read-only: start the controller with --ui-writes to manage pools";

    private final int status;
    private final JsonObject body;

    UiError(int status, JsonObject body) {
        super(body.getString("error"), null, false, false);
        this.status = status;
        this.body = body;
    }

    UiError(int status, String message) {
        this(status, new JsonObject().put("error", message));
    }

    int status() {
        return status;
    }

    JsonObject body() {
        return body.copy();
    }

    /**
     * The answer for any failure of a step: a refusal of the API server keeps its code, its message and its
     * causes unchanged (the CRD's validation message reaches the page as the API server wrote it); bad input
     * is a 400; anything else a 500 with its message.
     */
    static UiError of(Throwable failure) {
        if (failure instanceof UiError e) {
            return e;
        }
        if (failure instanceof KubernetesClientException e) {
            return fromApiServer(e);
        }
        if (failure instanceof DecodeException || failure instanceof IllegalArgumentException) {
            return new UiError(400, "bad request: " + failure.getMessage());
        }
        return new UiError(500, String.valueOf(failure.getMessage()));
    }

    private static UiError fromApiServer(KubernetesClientException e) {
        Status status = e.getStatus();
        // no code: the API server did not answer (connection refused, timeout)
        int code = e.getCode() > 0 ? e.getCode() : 502;
        String message = status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
        JsonObject body = new JsonObject().put("error", message);
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null
                && !status.getDetails().getCauses().isEmpty()) {
            JsonArray causes = new JsonArray();
            for (StatusCause cause : status.getDetails().getCauses()) {
                causes.add(new JsonObject().put("field", cause.getField()).put("message", cause.getMessage()));
            }
            body.put("causes", causes);
        }
        return new UiError(code, body);
    }
}
