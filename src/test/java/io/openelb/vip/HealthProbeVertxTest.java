package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.config.OperatorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The health check against a local server: status codes, no answer in time, and loopback HTTPS. */
@ExtendWith(VertxExtension.class)
class HealthProbeVertxTest {
    /** Long enough for a first TLS handshake on a loaded machine; the timeout test sets its own. */
    private static OperatorConfig.Health health(String url) {
        return health(url, Duration.ofSeconds(5));
    }

    private static OperatorConfig.Health health(String url, Duration timeout) {
        return new OperatorConfig.Health(url, Duration.ofSeconds(1), timeout, 2, 2, "");
    }

    private static HttpServer server(Vertx vertx, HttpServerOptions options, int status, long delayMillis)
            throws Exception {
        return vertx.createHttpServer(options).requestHandler(request -> vertx.setTimer(delayMillis,
                        id -> request.response().setStatusCode(status).end("ok")))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /**
     * One check, the probe kept reachable until it answered: Vert.x closes an HTTP client nobody references
     * ("Pool closed" when a GC ran during a slow TLS handshake), as ApiServerVip's field never lets happen.
     */
    private static Integer checkNow(Vertx vertx, String url) throws Exception {
        return checkNow(vertx, health(url));
    }

    private static Integer checkNow(Vertx vertx, OperatorConfig.Health health) throws Exception {
        HealthProbe probe = new HealthProbe(vertx, health);
        try {
            return probe.check().await(10, TimeUnit.SECONDS);
        } finally {
            java.lang.ref.Reference.reachabilityFence(probe);
        }
    }

    /** The reason a check failed (its probe kept reachable, as above). */
    private static Throwable failureOf(Vertx vertx, OperatorConfig.Health health) {
        return org.assertj.core.api.Assertions.catchThrowable(() -> checkNow(vertx, health));
    }

    @Test
    void theStatusCodeIsTheAnswer(Vertx vertx) throws Exception {
        HttpServer ready = server(vertx, new HttpServerOptions(), 200, 1);
        HttpServer notReady = server(vertx, new HttpServerOptions(), 503, 1);

        assertThat(checkNow(vertx, "http://127.0.0.1:" + ready.actualPort() + "/readyz")).isEqualTo(200);
        assertThat(checkNow(vertx, "http://127.0.0.1:" + notReady.actualPort() + "/readyz")).isEqualTo(503);
    }

    @Test
    void noAnswerWithinTheTimeoutFails(Vertx vertx) throws Exception {
        HttpServer slow = server(vertx, new HttpServerOptions(), 200, 5_000);

        Throwable failure = failureOf(vertx, health("http://127.0.0.1:" + slow.actualPort() + "/readyz",
                Duration.ofMillis(300)));

        assertThat(failure).isNotNull().hasMessageNotContaining("Pool closed");
    }

    @Test
    void aRefusedConnectionFails(Vertx vertx) throws Exception {
        HttpServer closed = server(vertx, new HttpServerOptions(), 200, 1);
        int port = closed.actualPort();
        closed.close().await(5, TimeUnit.SECONDS);

        Throwable failure = failureOf(vertx, health("http://127.0.0.1:" + port + "/readyz"));

        assertThat(failure).isNotNull().hasMessageNotContaining("Pool closed");
    }

    @Test
    void loopbackHttpsIsNotVerifiedWithoutACaFile(Vertx vertx) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("kube-apiserver");
        HttpServer https = server(vertx, new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(certificate.keyCertOptions()), 200, 1);

        assertThat(checkNow(vertx, "https://127.0.0.1:" + https.actualPort() + "/readyz")).isEqualTo(200);
    }

    @Test
    void anyOtherHostIsVerified() {
        assertThat(HealthProbe.options(health("https://192.0.2.1:6443/readyz")).isTrustAll()).isFalse();
        assertThat(HealthProbe.options(health("https://192.0.2.1:6443/readyz")).isVerifyHost()).isTrue();
        assertThat(HealthProbe.options(health("https://[::1]:6443/readyz")).isTrustAll()).isTrue();
    }
}
