package io.openelb.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The pacing on a simulated event loop: its clock moves only when a task says it worked or when the next
 * timer is due, so every figure below is exact and the tests take no real time.
 */
class PacedPlanTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One event loop thread with timers, and the monotonic clock it reads. */
    private static final class SimulatedLoop implements PacedPlan.Scheduler, LongSupplier {
        private record Task(long dueNanos, long order, Runnable body) {}

        private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
                ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
        private long nowNanos;
        private long order;

        @Override
        public void runAfter(long delayMillis, Runnable task) {
            tasks.add(new Task(nowNanos + Math.max(0, delayMillis) * MS, order++, task));
        }

        @Override
        public long getAsLong() {
            return nowNanos;
        }

        /** A task keeps the loop busy for {@code millis}. */
        void work(long millis) {
            nowNanos += millis * MS;
        }

        /** Nothing runs for {@code millis}. */
        void idle(long millis) {
            nowNanos += millis * MS;
        }

        /** Runs tasks in due order (the clock jumps to a timer's due time) until none is left. */
        void runUntilIdle() {
            while (!tasks.isEmpty()) {
                Task next = tasks.poll();
                nowNanos = Math.max(nowNanos, next.dueNanos);
                next.body.run();
            }
        }
    }

    @Test
    void requestsBeforeTheRunAreTakenByOneRun() {
        SimulatedLoop loop = new SimulatedLoop();
        AtomicInteger runs = new AtomicInteger();
        PacedPlan paced = new PacedPlan(loop, loop, runs::incrementAndGet);

        for (int i = 0; i < 100; i++) {
            paced.request();
        }
        loop.runUntilIdle();

        assertThat(runs).hasValue(1);
    }

    @Test
    void aSlowPlanAskedForContinuallyTakesAtMostAThirdOfTheEventLoop() {
        SimulatedLoop loop = new SimulatedLoop();
        AtomicInteger runs = new AtomicInteger();
        AtomicLong busyNanos = new AtomicLong();
        PacedPlan paced = new PacedPlan(loop, loop, () -> {
            runs.incrementAndGet();
            loop.work(20);
            busyNanos.addAndGet(20 * MS);
        });

        long start = loop.getAsLong();
        Runnable changeEveryMillisecond = new Runnable() { // as in a burst; a tick missed while busy is skipped
            @Override
            public void run() {
                if (loop.getAsLong() - start <= TimeUnit.SECONDS.toNanos(1)) {
                    paced.request();
                    loop.runAfter(1, this);
                }
            }
        };
        loop.runAfter(0, changeEveryMillisecond);
        loop.runUntilIdle();
        long wallNanos = loop.getAsLong() - start;

        // unpaced, a run after every one: ~50 runs, the event loop always busy
        assertThat(runs.get()).as("runs in 1 s").isBetween(5, 20);
        assertThat((double) busyNanos.get() / wallNanos).as("share of the event loop").isLessThan(0.45);
    }

    @Test
    void aRequestAfterAQuietSpellRunsAtOnce() {
        SimulatedLoop loop = new SimulatedLoop();
        AtomicLong ranAt = new AtomicLong();
        PacedPlan paced = new PacedPlan(loop, loop, () -> {
            loop.work(20);
            ranAt.set(loop.getAsLong());
        });
        paced.request();
        loop.runUntilIdle();
        loop.idle(300); // well past twice the 20 ms run

        long asked = loop.getAsLong();
        paced.request();
        loop.runUntilIdle();

        // paced from the last run it would have waited 40 ms; it runs at once (20 ms for the run itself)
        assertThat(TimeUnit.NANOSECONDS.toMillis(ranAt.get() - asked)).isLessThan(38);
    }
}
