package io.openelb.ui;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;

/**
 * Kubernetes clients that act as a signed-in user: the controller's API server address and CA, the user's
 * bearer token, and none of the controller's own credentials (client certificate, token, exec plugin). One
 * client per session, closed when the session ends. User agent {@code openelb-ui}, so the audit log and
 * managedFields name the UI beside the user.
 */
public final class UserClients implements AutoCloseable {
    public UserClients(Config controllerConfig, HttpClient.Factory httpClients) {
    }

    /** The client of this session (made at the first call). */
    public KubernetesClient of(Session session) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A client for a token that is not a session yet (sign-in); the caller closes it. */
    public KubernetesClient forToken(String token) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Closes the client of a session that ended. */
    public void ended(Session session) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
