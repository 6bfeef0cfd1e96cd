package io.openelb.ui;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes clients that act as a signed-in user: the controller's API server address and CA, the user's
 * bearer token, and none of the controller's own credentials (client certificate, token, exec plugin). One
 * client per session, closed when the session ends. User agent {@code openelb-ui}, so the audit log and
 * managedFields name the UI beside the user.
 *
 * <p>Called on the HTTP verticle's event loop and on the worker threads that make the blocking calls.
 */
public final class UserClients implements AutoCloseable {
    /** The audit log's userAgent and the managedFields manager of every write the UI makes. */
    static final String USER_AGENT = "openelb-ui";

    private final Config controllerConfig;
    private final HttpClient.Factory httpClients;
    private final KubernetesSerialization json;
    private final Map<String, KubernetesClient> bySessionId = new ConcurrentHashMap<>();

    /** {@code json}: the process's mapper, which the user clients share with the controller's. */
    public UserClients(Config controllerConfig, HttpClient.Factory httpClients, KubernetesSerialization json) {
        this.controllerConfig = controllerConfig;
        this.httpClients = httpClients;
        this.json = json;
    }

    /** The client of this session (made at the first call). */
    public KubernetesClient of(Session session) {
        return bySessionId.computeIfAbsent(session.id(), id -> forToken(session.token()));
    }

    /** A client for a token that is not a session yet (sign-in); the caller closes it. */
    public KubernetesClient forToken(String token) {
        return new KubernetesClientBuilder()
                .withConfig(userConfig(controllerConfig, token))
                .withHttpClientFactory(httpClients)
                .withKubernetesSerialization(json)
                .build();
    }

    /** Closes the client of a session that ended. */
    public void ended(Session session) {
        KubernetesClient client = bySessionId.remove(session.id());
        if (client != null) {
            client.close();
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(bySessionId.keySet())) {
            KubernetesClient client = bySessionId.remove(id);
            if (client != null) {
                client.close();
            }
        }
    }

    /**
     * The user's config: where the API server is and how to trust it (URL, CA, TLS, proxy) taken from the
     * controller's, and the user's token as the only credential. Built from nothing rather than copied, so no
     * credential of the controller (client certificate and key, basic auth, token, token provider, exec or
     * auth-provider plugin, impersonation, custom headers) and no kubeconfig file to refresh from can come along;
     * no auto-configuration either, which would read the controller's ServiceAccount token and kubeconfig.
     * No retries: a person waits for the answer and can try again, and a retried write could land twice.
     */
    static Config userConfig(Config controller, String token) {
        return new ConfigBuilder()
                .withAutoConfigure(false)
                .withMasterUrl(controller.getMasterUrl())
                .withCaCertFile(controller.getCaCertFile())
                .withCaCertData(controller.getCaCertData())
                .withTrustStoreFile(controller.getTrustStoreFile())
                .withTrustStorePassphrase(controller.getTrustStorePassphrase())
                .withTrustCerts(controller.isTrustCerts())
                .withDisableHostnameVerification(controller.isDisableHostnameVerification())
                .withTlsVersions(controller.getTlsVersions())
                .withTlsServerName(controller.getTlsServerName())
                .withHttp2Disable(controller.isHttp2Disable())
                .withHttpProxy(controller.getHttpProxy())
                .withHttpsProxy(controller.getHttpsProxy())
                .withNoProxy(controller.getNoProxy())
                .withProxyUsername(controller.getProxyUsername())
                .withProxyPassword(controller.getProxyPassword())
                .withRequestRetryBackoffLimit(0)
                .withOauthToken(token)
                .withUserAgent(USER_AGENT)
                .build();
    }
}
