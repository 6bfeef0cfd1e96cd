package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport SPI wrapper on loopback (Linux checks RFC 2385 signatures there too): a listener on the
 * BGP port with a key for 127.0.0.1 takes a BGP client's signed connection, and drops an unsigned one
 * from a client that is not BGP's, so only BGP sockets carry keys.
 */
class TcpMd5TransportVertxTest {
    private final TcpMd5Keys keys = new TcpMd5Keys();
    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.builder().withTransport(keys.transport().orElseThrow()).build();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        keys.listenPort(port);
        assertThat(keys.set(Map.of(IpAddress.parse("127.0.0.1"), new TcpMd5Key("loopback-key")))).isTrue();
        NetServer server = vertx.createNetServer(new NetServerOptions().setPort(port).setHost("127.0.0.1"))
                .connectHandler(socket -> socket.write("hello"));
        server.listen().await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aBgpClientSignsItsConnectionAndTheListenerTakesIt() throws Exception {
        NetSocket socket = vertx.createNetClient(new NetClientOptions().setMetricsName(TcpMd5Transport.BGP_CLIENT)
                .setConnectTimeout(2000)).connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
        StringBuilder got = new StringBuilder();
        socket.handler(b -> got.append(b));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.length() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(got.toString()).isEqualTo("hello");
    }

    @Test
    void anotherClientIsNotSignedAndTheKernelDropsItsSyn() {
        var attempt = vertx.createNetClient(new NetClientOptions().setConnectTimeout(700))
                .connect(port, "127.0.0.1");
        assertThat(catching(() -> attempt.await(10, TimeUnit.SECONDS))).isNotNull();
    }

    @Test
    void sameKeysAreNoChangeSoTheListenerStays() {
        assertThat(keys.set(Map.of(IpAddress.parse("127.0.0.1"), new TcpMd5Key("loopback-key")))).isFalse();
        assertThat(keys.set(Map.of(IpAddress.parse("127.0.0.1"), new TcpMd5Key("other-key")))).isTrue();
    }

    private static Throwable catching(ThrowingRunnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
