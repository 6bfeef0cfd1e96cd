package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cipher suite the client's TLS connections get from a server that takes the client's first choice, as a Go
 * API server does between AES-GCM and ChaCha20-Poly1305: for requests (HTTP) and for watches (WebSockets).
 */
class KubeHttpClientsTlsTest {
    private static final String SERVICE_LIST = "{\"apiVersion\":\"v1\",\"kind\":\"ServiceList\","
            + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}";

    private final Map<String, String> cipherByRequest = new ConcurrentHashMap<>();
    private Vertx vertx;
    private SSLServerSocket server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(SelfSignedCertificate.create("localhost").keyCertOptions().getKeyManagerFactory(vertx)
                .getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        SSLParameters clientsChoice = server.getSSLParameters();
        clientsChoice.setUseCipherSuitesOrder(false);
        server.setSSLParameters(clientsChoice);
        Thread serving = new Thread(this::serve, "tls-server");
        serving.setDaemon(true);
        serving.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        vertx.close();
    }

    @Test
    void chachaFirstIsWhatRequestsAndWatchesGet() throws InterruptedException {
        useClient(KubeHttpClients.chachaFirst(KubeHttpClients.defaultCipherSuites()));

        assertThat(cipherByRequest).containsEntry("list", "TLS_CHACHA20_POLY1305_SHA256")
                .containsEntry("watch", "TLS_CHACHA20_POLY1305_SHA256");
    }

    @Test
    void theJdksOrderGetsAesGcm() throws InterruptedException {
        useClient(List.of());

        assertThat(cipherByRequest.get("list")).startsWith("TLS_AES_");
        assertThat(cipherByRequest.get("watch")).startsWith("TLS_AES_");
    }

    @Test
    void chachaFirstKeepsEverySuiteAndTheRestInTheirOrder() {
        assertThat(KubeHttpClients.chachaFirst(List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")))
                .containsExactly("TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                        "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void theImagesJitHasNoAesGcmIntrinsicsAndCTwoHas() throws Exception {
        assertThat(aesGcmIntrinsicsIn("-XX:TieredStopAtLevel=1")).isEqualTo("false");
        assertThat(aesGcmIntrinsicsIn("-XX:TieredStopAtLevel=4")).isEqualTo(String.valueOf(
                KubeHttpClients.aesGcmIntrinsics()));
    }

    /** What {@link KubeHttpClients#aesGcmIntrinsics} says in a JVM started with {@code flag}. */
    private static String aesGcmIntrinsicsIn(String flag) throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), flag,
                "-cp", System.getProperty("java.class.path"), AesGcmIntrinsics.class.getName())
                .redirectErrorStream(true).start();
        assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    static final class AesGcmIntrinsics {
        public static void main(String[] args) {
            System.out.println(KubeHttpClients.aesGcmIntrinsics());
        }
    }

    /** A list, then a watch (which the server refuses after the handshake): one connection each. */
    private void useClient(List<String> cipherSuites) throws InterruptedException {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://localhost:" + server.getLocalPort())
                .withTrustCerts(true).withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new KubeHttpClients(vertx, cipherSuites)).build()) {
            client.services().inNamespace("tls").list();
            try {
                client.services().inNamespace("tls").watch(new Watcher<Service>() {
                    @Override
                    public void eventReceived(Action action, Service resource) {}

                    @Override
                    public void onClose(WatcherException cause) {}
                }).close();
            } catch (RuntimeException refused) {
                // the server only wanted the handshake
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!cipherByRequest.containsKey("watch") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
    }

    private void serve() {
        while (!server.isClosed()) {
            try (SSLSocket connection = (SSLSocket) server.accept()) {
                connection.startHandshake();
                String cipher = connection.getSession().getCipherSuite();
                var in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
                boolean webSocket = false;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    webSocket |= line.toLowerCase(Locale.ROOT).startsWith("upgrade: websocket");
                }
                cipherByRequest.put(webSocket ? "watch" : "list", cipher);
                byte[] body = webSocket ? new byte[0] : SERVICE_LIST.getBytes(StandardCharsets.UTF_8);
                connection.getOutputStream().write(((webSocket ? "HTTP/1.1 403 Forbidden" : "HTTP/1.1 200 OK")
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                connection.getOutputStream().write(body);
                connection.getOutputStream().flush();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // a client that gave up mid-handshake: take the next
            }
        }
    }
}
