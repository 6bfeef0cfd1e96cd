package io.openelb.it;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the stand-ins of {@link ManySpeakersBenchmark} first saw each expected Service with its address: the
 * benchmark {@link #expect expects} a key before creating the Service, each stand-in reports its first sight
 * from its informer's thread, and the benchmark waits until all have. Sights of keys not expected are ignored.
 */
final class Sightings {
    private final ConcurrentMap<String, Expected> expected = new ConcurrentHashMap<>();

    private record Expected(CountDownLatch pending, AtomicLong lastSeen) {}

    /** Before the Service {@code key} is created: {@code standIns} stand-ins are to see it. */
    void expect(String key, int standIns) {
        expected.put(key, new Expected(new CountDownLatch(standIns), new AtomicLong()));
    }

    /** A stand-in saw {@code key} with an address for the first time, at {@code nanos} (System.nanoTime). */
    void seen(String key, long nanos) {
        Expected e = expected.get(key);
        if (e != null) {
            e.lastSeen().accumulateAndGet(nanos, Math::max);
            e.pending().countDown();
        }
    }

    /** Waits until every stand-in saw {@code key}; returns when the last one did (System.nanoTime). */
    long awaitAll(String key, Duration timeout) throws InterruptedException {
        Expected e = expected.get(key);
        if (!e.pending().await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(e.pending().getCount() + " stand-ins did not see " + key + " with an "
                    + "address within " + timeout);
        }
        return e.lastSeen().get();
    }

    /** Forgets the keys waited for, so that a long run does not keep them all. */
    void clear() {
        expected.clear();
    }
}
