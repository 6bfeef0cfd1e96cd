package io.openelb.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PacedPlanVertxTest {

    @Test
    void requestsBeforeTheRunAreTakenByOneRun(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        AtomicInteger runs = new AtomicInteger();
        PacedPlan paced = new PacedPlan(context, runs::incrementAndGet);

        context.runOnContext(v -> {
            for (int i = 0; i < 100; i++) {
                paced.request();
            }
        });
        Thread.sleep(200);

        assertThat(runs).hasValue(1);
    }

    @Test
    void aSlowPlanAskedForContinuallyTakesAtMostAThirdOfTheEventLoop(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        AtomicInteger runs = new AtomicInteger();
        AtomicLong busyNanos = new AtomicLong();
        PacedPlan paced = new PacedPlan(context, () -> {
            runs.incrementAndGet();
            busyNanos.addAndGet(busy(20));
        });

        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        context.runOnContext(v -> vertx.setPeriodic(1, id -> { // a change every millisecond, as in a burst
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(1)) {
                vertx.cancelTimer(id);
                done.countDown();
            } else {
                paced.request();
            }
        }));
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        long wallNanos = System.nanoTime() - start;

        // unpaced, a run after every one: ~50 runs, the event loop always busy
        assertThat(runs.get()).as("runs in 1 s").isBetween(5, 20);
        assertThat((double) busyNanos.get() / wallNanos).as("share of the event loop").isLessThan(0.45);
    }

    @Test
    void aRequestAfterAQuietSpellRunsAtOnce(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        AtomicLong ranAt = new AtomicLong();
        PacedPlan paced = new PacedPlan(context, () -> {
            busy(20);
            ranAt.set(System.nanoTime());
        });
        context.runOnContext(v -> paced.request());
        Thread.sleep(300); // well past twice the 20 ms run

        long asked = System.nanoTime();
        context.runOnContext(v -> paced.request());
        Thread.sleep(200);

        // paced from the last run it would have waited 40 ms; it runs at once (20 ms for the run itself)
        assertThat(TimeUnit.NANOSECONDS.toMillis(ranAt.get() - asked)).isLessThan(38);
    }

    private static long busy(int millis) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(millis)) {
            Thread.onSpinWait();
        }
        return System.nanoTime() - start;
    }
}
