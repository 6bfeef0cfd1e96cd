package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The addresses of one instance against fake interface operations that take time: they never overlap, the
 * interface ends as last asked whatever the order of requests, each added address is announced three times
 * 500 ms apart, and a failure is reported and retried.
 */
@ExtendWith(VertxExtension.class)
class HeldAddressesVertxTest {
    private static final IpAddress VIP = IpAddress.parse("10.0.0.10");
    private static final IpAddress VIP6 = IpAddress.parse("fd00::10");

    /** Operations that finish 30 ms after they start, recording order and overlap; the interface's addresses. */
    private static final class SlowInterface implements HeldAddresses.Operations {
        final Vertx vertx;
        final Set<IpAddress> configured = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<String> log = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        volatile boolean failAdds;

        SlowInterface(Vertx vertx) {
            this.vertx = vertx;
        }

        @Override
        public Future<Void> add(IpAddress address) {
            return later("add " + address, () -> {
                if (failAdds) {
                    throw new IOException("Operation not permitted");
                }
                configured.add(address);
            });
        }

        @Override
        public Future<Void> remove(IpAddress address) {
            return later("remove " + address, () -> configured.remove(address));
        }

        private interface Change {
            void run() throws IOException;
        }

        private Future<Void> later(String what, Change change) {
            log.add(what);
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            Promise<Void> done = Promise.promise();
            vertx.setTimer(30, id -> {
                running.decrementAndGet();
                try {
                    change.run();
                    done.complete();
                } catch (IOException e) {
                    done.fail(e);
                }
            });
            return done.future();
        }
    }

    private final List<IpAddress> announced = new CopyOnWriteArrayList<>();
    private final List<Long> announcedAt = new CopyOnWriteArrayList<>();

    private HeldAddresses held(Vertx vertx, SlowInterface iface, List<IpAddress> possiblyPresent) {
        return new HeldAddresses(vertx, iface, address -> {
            announced.add(address);
            announcedAt.add(System.nanoTime() / 1_000_000);
            return Future.succeededFuture();
        }, "eth0", possiblyPresent);
    }

    private static <T> T on(Context context, Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static void await(Context context, Supplier<Future<Void>> settled) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> settled.get().onComplete(r -> done.complete(null)));
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aQuickMasterBackupMasterEndsWithTheAddressesOnTheInterface(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        SlowInterface iface = new SlowInterface(vertx);
        HeldAddresses held = held(vertx, iface, List.of());

        await(context, () -> {
            held.want(List.of(VIP, VIP6));
            held.want(List.of());
            held.want(List.of(VIP, VIP6));
            return held.settled();
        });

        assertThat(iface.configured).containsExactlyInAnyOrder(VIP, VIP6);
        assertThat(on(context, held::inEffect)).containsExactlyInAnyOrder(VIP, VIP6);
        assertThat(iface.mostAtOnce).as("operations never overlap").hasValue(1);
    }

    @Test
    void aQuickBackupMasterBackupEndsWithoutThem(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        SlowInterface iface = new SlowInterface(vertx);
        HeldAddresses held = held(vertx, iface, List.of());

        await(context, () -> {
            held.want(List.of(VIP));
            return Future.succeededFuture();
        });
        await(context, () -> {
            held.want(List.of());
            held.want(List.of(VIP));
            held.want(List.of());
            return held.settled();
        });

        assertThat(iface.configured).isEmpty();
        assertThat(iface.log).endsWith("remove " + VIP);
        assertThat(iface.mostAtOnce).hasValue(1);
    }

    @Test
    void addressesAnEarlierRunMayHaveLeftAreRemovedUnlessWanted(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        SlowInterface iface = new SlowInterface(vertx);
        iface.configured.add(VIP);
        HeldAddresses held = held(vertx, iface, List.of(VIP, VIP6));

        await(context, () -> {
            held.want(List.of());
            return held.settled();
        });

        assertThat(iface.configured).isEmpty();
        assertThat(iface.log).containsExactly("remove " + VIP, "remove " + VIP6);
    }

    @Test
    void eachAddedAddressIsAnnouncedThreeTimesHalfASecondApart(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        HeldAddresses held = held(vertx, new SlowInterface(vertx), List.of());

        await(context, () -> {
            held.want(List.of(VIP));
            return held.settled();
        });
        Thread.sleep(2 * HeldAddresses.ANNOUNCE_SPACING_MILLIS + 300);

        assertThat(announced).containsExactly(VIP, VIP, VIP);
        assertThat(announcedAt.get(1) - announcedAt.get(0)).isGreaterThanOrEqualTo(450);
        assertThat(announcedAt.get(2) - announcedAt.get(1)).isGreaterThanOrEqualTo(450);
    }

    @Test
    void anAddressReleasedIsAnnouncedNoMore(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        HeldAddresses held = held(vertx, new SlowInterface(vertx), List.of());

        await(context, () -> {
            held.want(List.of(VIP));
            return held.settled();
        });
        await(context, () -> {
            held.want(List.of());
            return held.settled();
        });
        Thread.sleep(2 * HeldAddresses.ANNOUNCE_SPACING_MILLIS + 300);

        assertThat(announced).containsExactly(VIP);
    }

    @Test
    void aFailedAddIsTheProblemUntilARetrySucceeds(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        SlowInterface iface = new SlowInterface(vertx);
        iface.failAdds = true;
        HeldAddresses held = held(vertx, iface, List.of());

        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        context.runOnContext(v -> {
            held.want(List.of(VIP));
            held.settled().onComplete(r -> failure.complete(r.cause()));
        });

        assertThat(failure.get(10, TimeUnit.SECONDS)).hasMessage(
                "cannot add 10.0.0.10 to eth0: Operation not permitted");
        assertThat(on(context, held::problem)).isEqualTo("cannot add 10.0.0.10 to eth0: Operation not permitted");
        assertThat(iface.log).containsExactly("add " + VIP);

        iface.failAdds = false;
        await(context, () -> {
            held.retry();
            return held.settled();
        });
        assertThat(iface.configured).containsExactly(VIP);
        assertThat(on(context, held::problem)).isEmpty();
    }
}
