package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.config.OperatorConfig;
import io.vertx.core.Future;
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

    private static Future<Integer> check(Vertx vertx, String url) {
        return new HealthProbe(vertx, health(url)).check();
    }

    private static Future<Boolean> failed(Future<Integer> check) {
        return check.transform(r -> Future.succeededFuture(r.failed()));
    }

    @Test
    void theStatusCodeIsTheAnswer(Vertx vertx) throws Exception {
        HttpServer ready = server(vertx, new HttpServerOptions(), 200, 1);
        HttpServer notReady = server(vertx, new HttpServerOptions(), 503, 1);

        assertThat(check(vertx, "http://127.0.0.1:" + ready.actualPort() + "/readyz").await(5, TimeUnit.SECONDS))
                .isEqualTo(200);
        assertThat(check(vertx, "http://127.0.0.1:" + notReady.actualPort() + "/readyz")
                .await(5, TimeUnit.SECONDS)).isEqualTo(503);
    }

    @Test
    void noAnswerWithinTheTimeoutFails(Vertx vertx) throws Exception {
        HttpServer slow = server(vertx, new HttpServerOptions(), 200, 5_000);

        Future<Integer> result = new HealthProbe(vertx, health("http://127.0.0.1:" + slow.actualPort() + "/readyz",
                Duration.ofMillis(300))).check();

        assertThat(failed(result).await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRefusedConnectionFails(Vertx vertx) throws Exception {
        HttpServer closed = server(vertx, new HttpServerOptions(), 200, 1);
        int port = closed.actualPort();
        closed.close().await(5, TimeUnit.SECONDS);

        Future<Integer> result = check(vertx, "http://127.0.0.1:" + port + "/readyz");

        assertThat(failed(result).await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void loopbackHttpsIsNotVerifiedWithoutACaFile(Vertx vertx) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("kube-apiserver");
        HttpServer https = server(vertx, new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(certificate.keyCertOptions()), 200, 1);

        assertThat(check(vertx, "https://127.0.0.1:" + https.actualPort() + "/readyz").await(10, TimeUnit.SECONDS))
                .isEqualTo(200);
    }

    @Test
    void anyOtherHostIsVerified() {
        assertThat(HealthProbe.options(health("https://192.0.2.1:6443/readyz")).isTrustAll()).isFalse();
        assertThat(HealthProbe.options(health("https://192.0.2.1:6443/readyz")).isVerifyHost()).isTrue();
        assertThat(HealthProbe.options(health("https://[::1]:6443/readyz")).isTrustAll()).isTrue();
    }
}
