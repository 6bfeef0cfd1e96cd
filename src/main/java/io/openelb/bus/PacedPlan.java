package io.openelb.bus;

import io.vertx.core.Context;
import java.util.function.LongSupplier;

/**
 * Runs a verticle's plan on its context when asked: requests that arrive before it runs are taken by that
 * one run, and a run starts no sooner than twice the previous run's duration after it ended. A plan reads
 * every Service; run once per change during a burst (10,000 Services created, each changed three times)
 * it would be quadratic and starve the process. Paced, planning takes at most a third of the event loop
 * and the changes of a burst are planned together; a change after a quiet spell is planned at once.
 *
 * <p>Not thread safe: {@link #request} and the runs are on one thread, the scheduler's.
 */
public final class PacedPlan {
    /** Where the runs happen: the verticle's context in production, a simulated loop in tests. */
    public interface Scheduler {
        /** Runs {@code task} on the scheduler's thread, after {@code delayMillis} (0: as soon as it is free). */
        void runAfter(long delayMillis, Runnable task);

        /** The Vert.x context's event loop, with a Vert.x timer for a delay. */
        static Scheduler on(Context context) {
            return (delayMillis, task) -> {
                if (delayMillis <= 0) {
                    context.runOnContext(v -> task.run());
                } else {
                    context.owner().setTimer(delayMillis, id -> context.runOnContext(v -> task.run()));
                }
            };
        }
    }

    private final Scheduler scheduler;
    private final LongSupplier nanoClock;
    private final Runnable plan;
    private boolean queued;
    private long notBeforeNanos;

    /** Paces {@code plan} on {@code context}, timed by {@link System#nanoTime}. */
    public PacedPlan(Context context, Runnable plan) {
        this(Scheduler.on(context), System::nanoTime, plan);
    }

    /** Paces {@code plan} on {@code scheduler}, timed by {@code nanoClock} (a monotonic clock in nanoseconds). */
    public PacedPlan(Scheduler scheduler, LongSupplier nanoClock, Runnable plan) {
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
        this.plan = plan;
        this.notBeforeNanos = nanoClock.getAsLong();
    }

    /** Asks for a run; call on the scheduler's thread. */
    public void request() {
        if (queued) {
            return;
        }
        queued = true;
        scheduler.runAfter((notBeforeNanos - nanoClock.getAsLong()) / 1_000_000, this::run);
    }

    private void run() {
        queued = false;
        long start = nanoClock.getAsLong();
        try {
            plan.run();
        } finally {
            long end = nanoClock.getAsLong();
            notBeforeNanos = end + 2 * (end - start);
        }
    }
}
