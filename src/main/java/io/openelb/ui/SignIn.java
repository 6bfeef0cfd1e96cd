package io.openelb.ui;

import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * Asks the API server, with a candidate token, who it is (SelfSubjectReview, authentication.k8s.io/v1,
 * Kubernetes 1.28+) and what the UI may do with it (SelfSubjectAccessReviews, cluster-wide). Blocking: called
 * on a worker thread, never on the event loop.
 */
final class SignIn {
    /** Who the token is and what it may do. */
    record Identity(UserInfo user, Permissions can) {}

    /** Why a sign-in failed, as the HTTP status and message the page gets; never names the token. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message, Throwable cause) {
            super(message, cause, false, false);
            this.status = status;
        }
    }

    static final String TOKEN_REFUSED = "the API server did not accept this token";

    private static final String OPENELB = "network.kubesphere.io";
    private static final String CORE = "";

    private SignIn() {}

    /**
     * Who {@code client}'s token is and what it may do.
     *
     * @throws Refused 401 when the API server does not accept the token, 502 when it cannot tell
     */
    static Identity ask(KubernetesClient client) {
        try {
            UserInfo user = whoIs(client);
            Permissions can = new Permissions(
                    may(client, "list", OPENELB, "eips"),
                    may(client, "create", OPENELB, "eips"),
                    may(client, "update", OPENELB, "eips"),
                    may(client, "delete", OPENELB, "eips"),
                    may(client, "list", CORE, "services"),
                    may(client, "patch", CORE, "services"),
                    may(client, "list", OPENELB, "bgppeers"),
                    may(client, "list", CORE, "events"));
            return new Identity(user, can);
        } catch (KubernetesClientException e) {
            throw refusal(e);
        }
    }

    private static UserInfo whoIs(KubernetesClient client) {
        SelfSubjectReview review = client.authentication().v1().selfSubjectReviews().create(new SelfSubjectReview());
        var info = review.getStatus() == null ? null : review.getStatus().getUserInfo();
        if (info == null || info.getUsername() == null) {
            throw new Refused(502, "the API server's SelfSubjectReview named no user", null);
        }
        return new UserInfo(info.getUsername(), info.getGroups() == null ? List.of() : info.getGroups());
    }

    private static boolean may(KubernetesClient client, String verb, String group, String resource) {
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder()
                .withNewSpec().withNewResourceAttributes()
                .withVerb(verb).withGroup(group).withResource(resource)
                .endResourceAttributes().endSpec()
                .build();
        SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview().create(review);
        return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }

    /** The page's answer for a failed call; the API server's own message stays in the log (it has no token). */
    private static Refused refusal(KubernetesClientException e) {
        int code = e.getCode();
        if (code == 401) {
            return new Refused(401, TOKEN_REFUSED, e);
        }
        if (code == 404) {
            return new Refused(502,
                    "the API server does not offer SelfSubjectReview (authentication.k8s.io/v1, Kubernetes 1.28+)", e);
        }
        if (code <= 0) {
            return new Refused(502, "the API server could not be reached", e);
        }
        return new Refused(502, "the API server could not check the token (HTTP " + code + ")", e);
    }
}
