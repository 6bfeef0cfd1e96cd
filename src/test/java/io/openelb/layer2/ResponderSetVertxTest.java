package io.openelb.layer2;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.layer2.wire.MacAddress;
import io.openelb.model.IpAddress;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The responder set with a fake interface finder and fake responders: its blocking work (finding the
 * interface, opening and closing responders) runs off the event loop, which keeps serving meanwhile, and
 * what it found comes back to the verticle's context.
 */
@ExtendWith(VertxExtension.class)
class ResponderSetVertxTest {
    private static final Nic ETH0 = new Nic("eth0", MacAddress.parse("02:00:00:00:00:0a"));
    private static final IpAddress VIP = IpAddress.parse("10.77.0.100");

    /** A responder that records what it was told and on which thread it was closed. */
    private static final class FakeResponder implements Answerer {
        final Nic nic;
        final List<Set<IpAddress>> answered = new CopyOnWriteArrayList<>();
        final List<IpAddress> announced = new CopyOnWriteArrayList<>();
        final CompletableFuture<Boolean> closedOnEventLoop = new CompletableFuture<>();

        FakeResponder(Nic nic) {
            this.nic = nic;
        }

        @Override
        public Nic nic() {
            return nic;
        }

        @Override
        public void answerFor(Set<IpAddress> addresses) {
            answered.add(addresses);
        }

        @Override
        public void announce(IpAddress address) {
            announced.add(address);
        }

        @Override
        public void close() {
            closedOnEventLoop.complete(Context.isOnEventLoopThread());
        }
    }

    private final AtomicReference<Nic> present = new AtomicReference<>(ETH0);
    private final List<Boolean> lookupsOnEventLoop = new CopyOnWriteArrayList<>();
    private final List<Boolean> opensOnEventLoop = new CopyOnWriteArrayList<>();
    private final List<FakeResponder> opened = new CopyOnWriteArrayList<>();
    /** One entry per report of a change: whether it came on the event loop. */
    private final BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();

    private Nics.Lookup find(String spec) {
        lookupsOnEventLoop.add(Context.isOnEventLoopThread());
        Nic nic = present.get();
        return nic != null && nic.name().equals(spec) ? new Nics.Lookup(nic, "")
                : new Nics.Lookup(null, "interface " + spec + " does not exist");
    }

    private FakeResponder open(Nic nic) {
        opensOnEventLoop.add(Context.isOnEventLoopThread());
        FakeResponder r = new FakeResponder(nic);
        opened.add(r);
        return r;
    }

    private ResponderSet set(Vertx vertx, ResponderSet.Opener opener) {
        return new ResponderSet(vertx, this::find, opener, () -> changes.add(Context.isOnEventLoopThread()));
    }

    private static <T> T on(Context context, Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private void refreshAndAwaitChange(Context context, ResponderSet set, String spec) throws Exception {
        on(context, () -> {
            set.refresh(Set.of(spec));
            return null;
        });
        assertThat(changes.poll(10, TimeUnit.SECONDS)).as("change reported on the event loop").isTrue();
    }

    @Test
    void opensOffTheEventLoopWhichKeepsServingMeanwhile(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        ResponderSet set = set(vertx, nic -> {
            opening.countDown();
            mayFinish.await(10, TimeUnit.SECONDS); // a slow pcap open
            return open(nic);
        });

        on(context, () -> {
            set.refresh(Set.of("eth0"));
            return null;
        });
        assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(on(context, set::interfaces)).as("while the open blocks, the event loop answers").isEmpty();
        mayFinish.countDown();

        assertThat(changes.poll(10, TimeUnit.SECONDS)).as("change reported on the event loop").isTrue();
        assertThat(on(context, set::interfaces)).isEqualTo(Map.of("eth0", new Nics.Lookup(ETH0, "")));
        assertThat(lookupsOnEventLoop).containsExactly(false);
        assertThat(opensOnEventLoop).containsExactly(false);
    }

    @Test
    void anUnchangedOutcomeKeepsTheResponderAndReportsNothing(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        ResponderSet set = set(vertx, this::open);
        refreshAndAwaitChange(context, set, "eth0");

        on(context, () -> {
            set.refresh(Set.of("eth0"));
            return null;
        });

        assertThat(changes.poll(500, TimeUnit.MILLISECONDS)).as("a second report").isNull();
        assertThat(lookupsOnEventLoop).containsExactly(false, false);
        assertThat(opened).hasSize(1);
    }

    @Test
    void aRecreatedInterfaceGetsANewResponderAndTheOldOneClosesOffTheEventLoop(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        ResponderSet set = set(vertx, this::open);
        refreshAndAwaitChange(context, set, "eth0");
        Nic recreated = new Nic("eth0", MacAddress.parse("02:00:00:00:00:0b"));
        present.set(recreated);

        refreshAndAwaitChange(context, set, "eth0");

        assertThat(opened).extracting(r -> r.nic).containsExactly(ETH0, recreated);
        assertThat(opened.get(0).closedOnEventLoop.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(opened.get(1).closedOnEventLoop).isNotDone();
        on(context, () -> {
            set.answerFor(Map.of(recreated, Set.of(VIP), ETH0, Set.of(IpAddress.parse("10.77.0.101"))));
            set.announce(ETH0, VIP);
            set.announce(recreated, VIP);
            return null;
        });
        assertThat(opened.get(1).answered).containsExactly(Set.of(VIP));
        assertThat(opened.get(1).announced).containsExactly(VIP);
        assertThat(opened.get(0).answered).isEmpty();
        assertThat(opened.get(0).announced).isEmpty();
    }

    @Test
    void aMissingInterfaceOrAFailedOpenIsAProblemAndClosesTheResponder(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        ResponderSet set = set(vertx, this::open);
        refreshAndAwaitChange(context, set, "eth0");
        present.set(null);

        refreshAndAwaitChange(context, set, "eth0");

        assertThat(on(context, set::interfaces))
                .isEqualTo(Map.of("eth0", new Nics.Lookup(null, "interface eth0 does not exist")));
        assertThat(opened.get(0).closedOnEventLoop.get(10, TimeUnit.SECONDS)).isFalse();

        ResponderSet failing = set(vertx, nic -> {
            throw new IllegalStateException("no permission");
        });
        present.set(ETH0);
        refreshAndAwaitChange(context, failing, "eth0");
        assertThat(on(context, failing::interfaces))
                .isEqualTo(Map.of("eth0", new Nics.Lookup(null, "cannot capture on eth0: no permission")));
    }

    @Test
    void closeClosesEveryResponderOffTheEventLoop(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        ResponderSet set = set(vertx, this::open);
        refreshAndAwaitChange(context, set, "eth0");

        on(context, set::close).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(opened.get(0).closedOnEventLoop.get(10, TimeUnit.SECONDS)).isFalse();
        on(context, () -> {
            set.refresh(Set.of("eth0"));
            return null;
        });
        assertThat(changes.poll(500, TimeUnit.MILLISECONDS)).as("a refresh after close").isNull();
        assertThat(opened).hasSize(1);
    }
}
