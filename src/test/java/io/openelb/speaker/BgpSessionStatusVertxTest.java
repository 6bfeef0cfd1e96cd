package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.openelb.announce.BgpRoutes;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.Notification;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.metrics.BgpMetrics;
import io.openelb.metrics.Metrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.NeighborView;
import io.openelb.status.StatusBoard;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session publishes its neighbour view (state, counters, pending prefixes, last error) to the status
 * board, and its meters, against a router that refuses it with a NOTIFICATION; the key stays out.
 */
class BgpSessionStatusVertxTest {
    private static final String PASSWORD = "session-unit-secret";
    private final Metrics metrics = new Metrics();
    private final StatusBoard board = new StatusBoard();
    private KubernetesMockServer api;
    private KubernetesClient client;
    private Vertx vertx;
    private NetServer router;

    @BeforeEach
    void start() throws Exception {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        api.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(BgpPeer.class));
        api.init();
        client = api.createClient();
        vertx = Vertx.vertx();
        // a router that answers every connection with NOTIFICATION Cease / Administrative Shutdown
        router = vertx.createNetServer().connectHandler(socket -> socket.write(Buffer.buffer(
                BgpCodec.encode(new Notification(6, 2, new byte[0]), false))).onComplete(v -> socket.close()))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        client.close();
        api.destroy();
        metrics.close();
    }

    @Test
    void aRefusedSessionShowsItsStateCountersPendingPrefixesAndLastError() throws Exception {
        PeerTarget target = new PeerTarget("router", IpAddress.parse("127.0.0.1"), router.actualPort(),
                new TcpMd5Key(PASSWORD), 0, new SessionConfig(64513, 0x0a000001L, 64512, Set.of(IpFamily.IPV4),
                        Duration.ofSeconds(9), null, Duration.ofSeconds(30), Duration.ofSeconds(60), false, -1));
        BgpMetrics bgp = new BgpMetrics(metrics.registry());
        vertx.runOnContext(v -> {
            BgpSession session = new BgpSession(vertx, target, bgp, new PeerStatusWriter(vertx, client, "node1", bgp),
                    board);
            session.desired(new BgpRoutes("node1", Map.of(IpAddress.parse("192.0.2.7"),
                    new TreeSet<>(Set.of("node1"))), Map.of()));
            session.start();
        });

        NeighborView view = await(n -> n.received().notification() == 1 && !n.lastError().isEmpty()
                && !n.state().equals("ESTABLISHED"));

        assertThat(view.address()).isEqualTo("127.0.0.1");
        assertThat(view.peerAs()).isEqualTo(64512);
        assertThat(view.sent().open()).isEqualTo(1);
        assertThat(view.establishedAt()).isNull();
        assertThat(view.advertisedPrefixes()).isZero();
        assertThat(view.pendingPrefixes()).as("192.0.2.7 waits for the session").isEqualTo(1);
        assertThat(view.toString()).doesNotContain(PASSWORD);
        String scrape = metrics.scrape();
        assertThat(scrape).contains(
                "openelb_bgp_notifications_total{code=\"cease\",direction=\"received\",peer=\"router\"} 1.0",
                "openelb_bgp_pending_prefixes{peer=\"router\"} 1.0",
                "openelb_bgp_session_up{peer=\"router\"} 0.0").doesNotContain(PASSWORD);
    }

    /**
     * A router shut down administratively with an RFC 8203 communication (BIRD's bytes): the text is the
     * session's last error (status, HTTP API), and with a connect retry of 1 s the speaker does not come
     * back within the next seconds (it waits at least 45 s: 60 s with jitter).
     */
    @Test
    void aRoutersShutdownCommunicationIsTheLastErrorAndTheSpeakerBacksOff() throws Exception {
        byte[] shutdown = Files.readAllBytes(Path.of("src", "test", "resources", "bgp",
                "bird-notification-cease-admin-shutdown-communication.bin"));
        AtomicInteger connections = new AtomicInteger();
        NetServer shutDownRouter = vertx.createNetServer().connectHandler(socket -> {
            connections.incrementAndGet();
            socket.write(Buffer.buffer(shutdown)).onComplete(v -> socket.close());
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        PeerTarget target = new PeerTarget("router", IpAddress.parse("127.0.0.1"), shutDownRouter.actualPort(), null, 0,
                new SessionConfig(64513, 0x0a000001L, 64512, Set.of(IpFamily.IPV4), Duration.ofSeconds(9), null,
                        Duration.ofSeconds(1), Duration.ofSeconds(60), false, -1));
        BgpMetrics bgp = new BgpMetrics(metrics.registry());
        vertx.runOnContext(v -> new BgpSession(vertx, target, bgp, (peer, status) -> { }, board).start());

        NeighborView view = await(n -> n.received().notification() == 1 && !n.lastError().isEmpty());
        Thread.sleep(3000);

        assertThat(view.lastError()).isEqualTo("peer sent NOTIFICATION 6/2, shutdown communication \"golden capture\"");
        assertThat(connections.get()).as("connections in 3 s").isEqualTo(1);
    }

    private NeighborView await(Predicate<NeighborView> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            NeighborView view = board.neighbors().stream().findFirst().orElse(null);
            if (view != null && done.test(view)) {
                return view;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such neighbour view within 10 s: " + board.neighbors());
    }

    /** What Netty gives for an unreachable network: no message; the reason a user reads must still say it. */
    @org.junit.jupiter.api.Test
    void aConnectFailureWithoutAMessageIsNamedByItsKind() {
        var annotated = new java.net.SocketException("null: /[2001:db8:dead:0:0:0:0:1]:179");
        annotated.initCause(new java.net.NoRouteToHostException());

        assertThat(PeerConnection.describe(annotated)).isEqualTo("no route to host: /[2001:db8:dead:0:0:0:0:1]:179");
        assertThat(PeerConnection.describe(new java.net.NoRouteToHostException())).isEqualTo("no route to host");
        assertThat(PeerConnection.describe(new java.net.ConnectException("Connection refused: /10.77.0.1:179")))
                .isEqualTo("Connection refused: /10.77.0.1:179");
    }
}
