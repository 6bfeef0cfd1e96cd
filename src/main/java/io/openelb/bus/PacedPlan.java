package io.openelb.bus;

import io.vertx.core.Context;

/**
 * Runs a verticle's plan on its context when asked: requests that arrive before it runs are taken by that
 * one run, and a run starts no sooner than twice the previous run's duration after it ended. A plan reads
 * every Service; run once per change during a burst (10,000 Services created, each changed three times)
 * it would be quadratic and starve the process. Paced, planning takes at most a third of the event loop
 * and the changes of a burst are planned together; a change after a quiet spell is planned at once.
 */
public final class PacedPlan {
    private final Context context;
    private final Runnable plan;
    private boolean queued;
    private long notBeforeNanos = System.nanoTime();

    public PacedPlan(Context context, Runnable plan) {
        this.context = context;
        this.plan = plan;
    }

    /** Asks for a run; call on the context. */
    public void request() {
        if (queued) {
            return;
        }
        queued = true;
        long waitMillis = (notBeforeNanos - System.nanoTime()) / 1_000_000;
        if (waitMillis <= 0) {
            context.runOnContext(v -> run());
        } else {
            context.owner().setTimer(waitMillis, id -> context.runOnContext(v -> run()));
        }
    }

    private void run() {
        queued = false;
        long start = System.nanoTime();
        try {
            plan.run();
        } finally {
            long end = System.nanoTime();
            notBeforeNanos = end + 2 * (end - start);
        }
    }
}
