package io.openelb.vip;

import io.openelb.config.OperatorConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One GET of the local API server's health URL ({@code /readyz}); healthy is a 200 within the timeout.
 *
 * <p>Certificates: with {@code --health-ca-file} the server's chain is verified against it (the host name too,
 * unless the URL's host is loopback: kubeadm's serving certificate names the node's address, not 127.0.0.1).
 * Without it, a loopback URL is not verified at all: the request never leaves the node, sends no credentials
 * and reads only the status code, and a process that could answer on the node's loopback port 6443 instead of
 * the API server already controls the node. Any other URL is verified against the JVM's CAs.
 *
 * <p>Threads: called on the owning verticle's context; the future completes there.
 */
final class HealthProbe {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final HttpClient client;
    private final String url;
    private final long timeoutMillis;

    HealthProbe(Vertx vertx, OperatorConfig.Health health) {
        this.url = health.url();
        this.timeoutMillis = health.timeout().toMillis();
        this.client = vertx.createHttpClient(options(health));
    }

    static HttpClientOptions options(OperatorConfig.Health health) {
        boolean loopback = LOOPBACK.contains(URI.create(health.url()).getHost());
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(false)
                .setConnectTimeout((int) health.timeout().toMillis());
        if (!health.caFile().isEmpty()) {
            return options.setTrustOptions(new PemTrustOptions().addCertPath(health.caFile())).setVerifyHost(!loopback);
        }
        return loopback ? options.setTrustAll(true).setVerifyHost(false) : options;
    }

    /** Succeeds with the status code, or fails with why there was none (refused, timed out, TLS). */
    Future<Integer> check() {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis);
        return client.request(request)
                .compose(r -> r.send())
                .compose(response -> response.body().map(body -> response.statusCode()))
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    Future<Void> close() {
        return client.close();
    }
}
