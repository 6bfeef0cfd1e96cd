package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.metrics.Metrics;
import io.openelb.metrics.VrrpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpAdvert;
import io.openelb.vrrp.VrrpFrames;
import io.openelb.vrrp.VrrpRouter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * VRRP instances on a wire in memory (each on its own context, adverts delivered with TTL 255 from the
 * sender's primary address, interface operations that take a few milliseconds): who holds the addresses,
 * hand-over on stop and on a link going down, flaps, and the RFC 5798 7.1 checks on what is received.
 * The elections need the real {@link VrrpRouter}; the checks before it (TTL, own adverts) do not.
 */
@ExtendWith(VertxExtension.class)
class VrrpInstanceVertxTest {
    private static final int VRID = 51;
    /** 50 ms, so that Master_Down_Interval is about 160 ms and a test takes well under a second per election. */
    private static final int INTERVAL_CENTIS = 5;
    private static final IpAddress VIP = IpAddress.parse("10.0.0.10");
    private static final IpAddress VIP6 = IpAddress.parse("fd00::10");
    private static final byte[] MAC = {2, 0, 0, 0, 0, 1};

    private final Metrics metrics = new Metrics();
    private final VrrpMetrics vrrpMetrics = new VrrpMetrics(metrics.registry());
    private final List<Node> wire = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        metrics.close();
    }

    /** One node: its interface (up or not, the addresses on it, what it announced) and its instance. */
    private final class Node implements InstanceLink, HeldAddresses.Operations {
        final Vertx vertx;
        final Context context;
        final IpAddress primary;
        final Set<IpAddress> configured = ConcurrentHashMap.newKeySet();
        final List<IpAddress> announced = new CopyOnWriteArrayList<>();
        volatile boolean up = true;
        volatile boolean failAdds;
        VrrpInstance instance;

        Node(Vertx vertx, String primary) {
            this.vertx = vertx;
            this.context = vertx.getOrCreateContext();
            this.primary = IpAddress.parse(primary);
        }

        @Override
        public String iface() {
            return "eth0";
        }

        @Override
        public Future<Void> send(VrrpAdvert advert) {
            if (!up) {
                return Future.failedFuture("network is down");
            }
            for (Node other : wire) {
                if (other != this && other.up && other.instance != null) {
                    other.context.runOnContext(v -> other.instance.onAdvert(
                            new VrrpFrames.Captured(primary, MAC, VrrpInstance.TTL, advert)));
                }
            }
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> announce(IpAddress address) {
            announced.add(address);
            return Future.succeededFuture();
        }

        @Override
        public IpAddress primary(IpFamily family) {
            return family == primary.family() ? primary : null;
        }

        @Override
        public boolean up() {
            return up;
        }

        @Override
        public Future<Void> add(IpAddress address) {
            if (failAdds) {
                Promise<Void> refused = Promise.promise();
                vertx.setTimer(5, id -> refused.fail("Operation not permitted (EPERM)"));
                return refused.future();
            }
            return later(() -> configured.add(address));
        }

        @Override
        public Future<Void> remove(IpAddress address) {
            return later(() -> configured.remove(address));
        }

        private Future<Void> later(Runnable change) {
            Promise<Void> done = Promise.promise();
            vertx.setTimer(5, id -> {
                change.run();
                done.complete();
            });
            return done.future();
        }

        <T> T on(Supplier<T> action) throws Exception {
            CompletableFuture<T> result = new CompletableFuture<>();
            context.runOnContext(v -> {
                try {
                    result.complete(action.get());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
            return result.get(10, TimeUnit.SECONDS);
        }

        void run(Runnable action) throws Exception {
            on(() -> {
                action.run();
                return null;
            });
        }

        VrrpRouter.State state() throws Exception {
            return on(instance::state);
        }
    }

    private Node node(Vertx vertx, String name, String primary, int priority, List<IpAddress> advertised)
            throws Exception {
        Node node = new Node(vertx, primary);
        VrrpRouter.Config config = new VrrpRouter.Config(VRID, priority, INTERVAL_CENTIS, true, node.primary,
                advertised);
        node.run(() -> node.instance = new VrrpInstance(vertx, node, node, name, config, List.of(VIP, VIP6),
                vrrpMetrics, instance -> {}, () -> System.nanoTime() / 1_000_000));
        wire.add(node);
        return node;
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static boolean holds(Node node) {
        return node.configured.equals(Set.of(VIP, VIP6));
    }

    private static boolean is(Node node, VrrpRouter.State state) {
        try {
            return node.state() == state;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theHigherPriorityHoldsBothFamiliesAndTheOtherBacksUp(Vertx vertx) throws Exception {
        Node a = node(vertx, "a", "192.0.2.1", 200, List.of(VIP));
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));

        a.run(a.instance::start);
        b.run(b.instance::start);

        eventually("a holds the addresses", () -> holds(a) && is(a, VrrpRouter.State.MASTER));
        eventually("b backs up", () -> is(b, VrrpRouter.State.BACKUP) && b.configured.isEmpty());
        assertThat(b.on(b.instance::master)).isEqualTo(a.primary);
        eventually("a announced each address", () -> a.announced.containsAll(List.of(VIP, VIP6)));
        assertThat(metrics.scrape()).contains(
                "openelb_vrrp_state{family=\"ipv4\",group=\"a\",interface=\"eth0\",vrid=\"51\"} 2.0",
                "openelb_vrrp_state{family=\"ipv4\",group=\"b\",interface=\"eth0\",vrid=\"51\"} 1.0",
                "openelb_vrrp_transitions_total{group=\"a\",to=\"master\"} 1.0");
    }

    @Test
    void aHigherPriorityThatPreemptsTakesTheAddressesOnlyOnceTheOldMasterReleasedThem(Vertx vertx) throws Exception {
        Node low = node(vertx, "low", "192.0.2.2", 100, List.of(VIP));
        low.run(low.instance::start);
        eventually("the only instance holds the addresses", () -> holds(low));
        Node high = node(vertx, "high", "192.0.2.1", 200, List.of(VIP));
        List<String> both = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                if (!low.configured.isEmpty() && !high.configured.isEmpty()) {
                    both.add(low.configured + " and " + high.configured);
                }
                Thread.onSpinWait();
            }
        });
        watcher.start();

        high.run(high.instance::start);
        eventually("the higher priority takes over", () -> holds(high) && low.configured.isEmpty());
        watching.set(false);
        watcher.join();

        assertThat(both).as("moments with the addresses on both").isEmpty();
    }

    @Test
    void aMasterThatCannotAddItsAddressesGivesTheGroupUpAndSaysWhy(Vertx vertx) throws Exception {
        Node a = node(vertx, "a", "192.0.2.1", 200, List.of(VIP));
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));
        a.failAdds = true;
        a.run(a.instance::start);
        b.run(b.instance::start);

        eventually("the lower priority holds the addresses", () -> holds(b) && is(b, VrrpRouter.State.MASTER));
        assertThat(a.state()).isNotEqualTo(VrrpRouter.State.MASTER);
        assertThat(a.on(a.instance::problem)).contains("cannot add", "Operation not permitted", "giving the group up");
        assertThat(a.on(a.instance::holding)).isFalse();
        assertThat(b.on(b.instance::holding)).isTrue();
    }

    @Test
    void stoppingTheMasterHandsOverAndCompletesOnceItsAddressesAreGone(Vertx vertx) throws Exception {
        Node a = node(vertx, "a", "192.0.2.1", 200, List.of(VIP));
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));
        a.run(a.instance::start);
        b.run(b.instance::start);
        eventually("a holds the addresses", () -> holds(a));

        CompletableFuture<Void> stopped = new CompletableFuture<>();
        a.run(() -> a.instance.stop().onComplete(r -> stopped.complete(null)));
        stopped.get(10, TimeUnit.SECONDS);

        assertThat(a.configured).as("released when stop completes").isEmpty();
        assertThat(a.state()).isEqualTo(VrrpRouter.State.INITIALIZE);
        eventually("b takes over", () -> holds(b) && is(b, VrrpRouter.State.MASTER));
    }

    @Test
    void quickFlapsOfTheMasterEndWithExactlyOneHolder(Vertx vertx) throws Exception {
        Node a = node(vertx, "a", "192.0.2.1", 200, List.of(VIP));
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));
        a.run(a.instance::start);
        b.run(b.instance::start);
        eventually("a holds the addresses", () -> holds(a));

        for (int i = 0; i < 5; i++) {
            a.run(a.instance::stop);
            Thread.sleep(i * 40L);
            a.run(a.instance::start);
        }

        eventually("a, preempting, holds them again", () -> holds(a) && is(a, VrrpRouter.State.MASTER));
        eventually("b released them", () -> b.configured.isEmpty() && is(b, VrrpRouter.State.BACKUP));
        Thread.sleep(300);
        assertThat(holds(a)).isTrue();
        assertThat(b.configured).isEmpty();
    }

    @Test
    void aLinkThatGoesDownReleasesTheAddressesUntilItIsBack(Vertx vertx) throws Exception {
        Node a = node(vertx, "a", "192.0.2.1", 200, List.of(VIP));
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));
        a.run(a.instance::start);
        b.run(b.instance::start);
        eventually("a holds the addresses", () -> holds(a));

        a.up = false;

        eventually("a releases them", () -> a.configured.isEmpty() && is(a, VrrpRouter.State.INITIALIZE));
        assertThat(a.on(a.instance::problem)).isEqualTo("interface eth0 is down");
        eventually("b takes over", () -> holds(b));

        a.up = true;

        eventually("a is back and preempts", () -> holds(a) && b.configured.isEmpty());
        assertThat(a.on(a.instance::problem)).isEmpty();
    }

    @Test
    void anAdvertWithOtherAddressesIsCountedAndStillObeyed(Vertx vertx) throws Exception {
        Node a = node(vertx, "a", "192.0.2.1", 200, List.of(VIP, IpAddress.parse("10.0.0.11")));
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));
        a.run(a.instance::start);
        b.run(b.instance::start);

        eventually("a holds the addresses", () -> holds(a));
        eventually("b backs up", () -> is(b, VrrpRouter.State.BACKUP));
        assertThat(metrics.scrape()).containsPattern("openelb_vrrp_address_mismatch_total\\{group=\"b\"} [1-9]");
        assertThat(b.on(b.instance::problem)).as("the collision, for the status and an Event")
                .contains("VRID 51 on eth0 is also used by 192.0.2.1 for [10.0.0.10, 10.0.0.11]",
                        "two VRRP groups share one VRID");
        assertThat(a.on(a.instance::problem)).isEmpty();
    }

    @Test
    void anAdvertWithAnotherTtlIsDroppedAndCounted(Vertx vertx) throws Exception {
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));

        // the checks come before the advert is read, so none is needed
        b.run(() -> b.instance.onAdvert(new VrrpFrames.Captured(IpAddress.parse("192.0.2.9"), MAC, 254, null)));
        b.run(() -> b.instance.onAdvert(new VrrpFrames.Captured(IpAddress.parse("192.0.2.9"), MAC, 64, null)));

        assertThat(metrics.scrape()).contains(
                "openelb_vrrp_packets_dropped_total{interface=\"eth0\",reason=\"ttl\"} 2.0")
                .doesNotContain("openelb_vrrp_adverts_received_total{group=\"b\"}");
    }

    @Test
    void anAdvertFromOurOwnPrimaryAddressIsDroppedAndCounted(Vertx vertx) throws Exception {
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));

        b.run(() -> b.instance.onAdvert(new VrrpFrames.Captured(b.primary, MAC, VrrpInstance.TTL, null)));

        assertThat(metrics.scrape()).contains(
                "openelb_vrrp_packets_dropped_total{interface=\"eth0\",reason=\"own\"} 1.0");
    }

    @Test
    void aStoppedInstanceIsInitializeAndItsSeriesGoWhenRemoved(Vertx vertx) throws Exception {
        Node b = node(vertx, "b", "192.0.2.2", 100, List.of(VIP));

        assertThat(b.state()).isEqualTo(VrrpRouter.State.INITIALIZE);
        assertThat(b.on(b.instance::master)).isNull();
        assertThat(metrics.scrape()).contains(
                "openelb_vrrp_state{family=\"ipv4\",group=\"b\",interface=\"eth0\",vrid=\"51\"} 0.0");

        vrrpMetrics.remove("b");

        assertThat(metrics.scrape()).doesNotContain("group=\"b\"");
    }
}
