package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BFD sockets on loopback through the speaker's transport: what one sends leaves with TTL 255 and what one
 * receives with a lower TTL is dropped by the kernel (RFC 5881 section 5); other datagram sockets keep the
 * system's behaviour.
 */
class BfdSocketsVertxTest {
    private static final DatagramSocketOptions BFD =
            new DatagramSocketOptions().setTrafficClass(TcpMd5Transport.BFD_TRAFFIC_CLASS);
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.builder().withTransport(new TcpMd5Keys().transport().orElseThrow()).build();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aBfdSocketTakesPacketsSentWithTtl255AndDropsOthers() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        DatagramSocket listener = listen(BFD, received);
        int port = listener.localAddress().port();

        sendWithSystemTtl(port, "ttl-64");
        vertx.createDatagramSocket(BFD).send(Buffer.buffer("ttl-255"), port, "127.0.0.1").await(5, TimeUnit.SECONDS);

        awaitCount(received, 1);
        Thread.sleep(300); // the TTL 64 packet was sent first: had it passed, it would be here by now
        assertThat(received).containsExactly("ttl-255");
    }

    @Test
    void anotherDatagramSocketIsUntouched() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        int port = listen(new DatagramSocketOptions(), received).localAddress().port();

        sendWithSystemTtl(port, "ttl-64");

        awaitCount(received, 1);
        assertThat(received).containsExactly("ttl-64");
    }

    private DatagramSocket listen(DatagramSocketOptions options, List<String> into) throws Exception {
        DatagramSocket socket = vertx.createDatagramSocket(options);
        socket.handler(p -> into.add(p.data().toString(StandardCharsets.US_ASCII)));
        return socket.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    }

    private static void sendWithSystemTtl(int port, String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        try (java.net.DatagramSocket plain = new java.net.DatagramSocket()) {
            plain.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(), port));
        }
    }

    private static void awaitCount(List<String> received, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
