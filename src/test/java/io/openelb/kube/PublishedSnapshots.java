package io.openelb.kube;

import io.openelb.cluster.ClusterSnapshot;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The snapshots a test's {@link WatchVerticle} published, in order, for the test thread to wait on. */
final class PublishedSnapshots {
    private final BlockingQueue<ClusterSnapshot> published = new LinkedBlockingQueue<>();

    /** Called by the test's event-bus consumer of each published snapshot. */
    void add(ClusterSnapshot snapshot) {
        published.add(snapshot);
    }

    /** The first snapshot (published from now on, or queued) that passes; fails after 10 s. */
    ClusterSnapshot until(Predicate<ClusterSnapshot> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            ClusterSnapshot next = published.poll(100, TimeUnit.MILLISECONDS);
            if (next != null && done.test(next)) {
                return next;
            }
        }
        throw new AssertionError("no such snapshot within 10 s");
    }
}
