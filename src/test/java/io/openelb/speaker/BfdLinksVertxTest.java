package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.bfd.BfdDiagnostic;
import io.openelb.bfd.BfdProfile;
import io.openelb.bfd.BfdState;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two speakers' BFD on loopback, each on its own UDP port sending to the other's, through the speaker's
 * transport (TTL 255): they come Up; one that vanishes without a word is found down by the other within its
 * detection time; one that ends its session says AdminDown, which is no path failure.
 */
class BfdLinksVertxTest {
    private static final IpAddress LOOPBACK = IpAddress.parse("127.0.0.1");
    /** 100 ms x 3: a detection time of 300 ms once Up. */
    private static final BfdProfile FAST = new BfdProfile(Duration.ofMillis(100), Duration.ofMillis(100), 3, false);
    private static final Duration FAST_DETECTION = Duration.ofMillis(300);

    private Vertx vertx;
    private Node a;
    private Node b;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.builder().withTransport(new TcpMd5Keys().transport().orElseThrow()).build();
        int portA = freeUdpPort();
        int portB = freeUdpPort();
        a = new Node(portA, portB);
        b = new Node(portB, portA);
        a.deployment = vertx.deployVerticle(a).await(10, TimeUnit.SECONDS);
        b.deployment = vertx.deployVerticle(b).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void twoSpeakersComeUpWithinSeconds() throws Exception {
        await(() -> a.state() == BfdState.UP && b.state() == BfdState.UP, 5_000, "both Up");

        assertThat(a.views).extracting(BfdLinks.View::state).startsWith(BfdState.DOWN).endsWith(BfdState.UP);
        assertThat(a.pathDowns).isEmpty();
        assertThat(b.pathDowns).isEmpty();
    }

    @Test
    void aSpeakerThatVanishesIsFoundDownWithinTheDetectionTime() throws Exception {
        awaitUpAtFullSpeed();

        long vanished = System.nanoTime();
        vertx.undeploy(b.deployment).await(5, TimeUnit.SECONDS); // its timers and sockets go: no AdminDown
        await(() -> !a.pathDowns.isEmpty(), 5_000, "a's pathDown");

        long tookMs = TimeUnit.NANOSECONDS.toMillis(a.pathDownAt - vanished);
        assertThat(tookMs).as("detection in %d ms", tookMs).isLessThan(FAST_DETECTION.toMillis() + 700);
        assertThat(a.pathDowns.get(0)).contains("CONTROL_DETECTION_TIME_EXPIRED");
        assertThat(a.last().state()).isEqualTo(BfdState.DOWN);
        assertThat(a.last().diagnostic()).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
    }

    @Test
    void aSpeakerThatEndsItsSessionSaysAdminDownWhichIsNoPathFailure() throws Exception {
        awaitUpAtFullSpeed();
        int toldB = b.views.size();

        b.onContext(() -> b.links.end(LOOPBACK)).await(5, TimeUnit.SECONDS);
        await(() -> a.state() == BfdState.DOWN, 5_000, "a Down");
        Thread.sleep(3 * FAST_DETECTION.toMillis()); // a path failure would have been found by now

        assertThat(a.last().diagnostic()).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(a.pathDowns).isEmpty();
        assertThat(b.views).as("an ended session's listener is not told").hasSize(toldB);
        assertThat(b.onContext(() -> b.links.view(LOOPBACK)).await(5, TimeUnit.SECONDS)).isNull();
    }

    /** Both Up, and their poll sequences done: the fast intervals in effect. */
    private void awaitUpAtFullSpeed() throws Exception {
        await(() -> a.upAt(FAST_DETECTION) && b.upAt(FAST_DETECTION), 10_000, "both Up at 300 ms detection");
    }

    /** One speaker: its BfdLinks in a verticle of its own, with one session to the other's port. */
    private static final class Node extends VerticleBase implements BfdLinks.Listener {
        private final int listenPort;
        private final int peerPort;
        final List<BfdLinks.View> views = new CopyOnWriteArrayList<>();
        final List<String> pathDowns = new CopyOnWriteArrayList<>();
        volatile long pathDownAt;
        BfdLinks links;
        String deployment;

        Node(int listenPort, int peerPort) {
            this.listenPort = listenPort;
            this.peerPort = peerPort;
        }

        @Override
        public Future<?> start() {
            links = new BfdLinks(vertx, new BgpMetrics(new SimpleMeterRegistry()), listenPort, peerPort);
            links.run("peer", LOOPBACK, FAST, this);
            return Future.succeededFuture();
        }

        @Override
        public void bfdChanged(BfdLinks.View view) {
            views.add(view);
        }

        @Override
        public void pathDown(String why) {
            pathDownAt = System.nanoTime();
            pathDowns.add(why);
        }

        BfdLinks.View last() {
            return views.get(views.size() - 1);
        }

        BfdState state() {
            return views.isEmpty() ? null : last().state();
        }

        boolean upAt(Duration detection) {
            return state() == BfdState.UP && last().detectionTime().equals(detection);
        }

        <T> Future<T> onContext(java.util.concurrent.Callable<T> work) {
            io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
            context.runOnContext(v -> {
                try {
                    done.complete(work.call());
                } catch (Exception e) {
                    done.fail(e);
                }
            });
            return done.future();
        }

        Future<Void> onContext(Runnable work) {
            return onContext(() -> {
                work.run();
                return null;
            });
        }
    }

    private static int freeUdpPort() throws Exception {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static void await(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeoutMs + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }
}
