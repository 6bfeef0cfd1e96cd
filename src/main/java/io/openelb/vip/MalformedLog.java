package io.openelb.vip;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts captured frames that are no valid advertisement and decides which of them to log, so that a broken or
 * hostile sender on the segment cannot flood the log: each distinct message at most once a minute (with how
 * many like it were not logged since), and at most {@value #MAX_MESSAGES} distinct messages a minute.
 *
 * <p>Threads: {@link #record} from the capture thread only; {@link #count} from any thread.
 */
final class MalformedLog {
    static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int MAX_MESSAGES = 32;

    /** When a message was last logged, and how many like it were counted but not logged since. */
    private static final class Seen {
        long loggedAt;
        long unlogged;
    }

    private final LongSupplier nanoTime;
    private final AtomicLong count = new AtomicLong();
    private final Map<String, Seen> recent = new HashMap<>();

    MalformedLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** How many frames were counted so far. */
    long count() {
        return count.get();
    }

    /** Counts one frame that failed with {@code message}; returns the text to log now, or null to stay quiet. */
    String record(String message) {
        count.incrementAndGet();
        long now = nanoTime.getAsLong();
        Seen seen = recent.get(message);
        if (seen != null && now - seen.loggedAt < QUIET_NANOS) {
            seen.unlogged++;
            return null;
        }
        if (seen == null) {
            if (recent.size() >= MAX_MESSAGES) {
                recent.values().removeIf(s -> now - s.loggedAt >= QUIET_NANOS);
                if (recent.size() >= MAX_MESSAGES) {
                    return null;
                }
            }
            seen = new Seen();
            recent.put(message, seen);
        }
        long unlogged = seen.unlogged;
        seen.loggedAt = now;
        seen.unlogged = 0;
        return unlogged == 0 ? message : message + " (" + unlogged + " more like it since it was last logged)";
    }
}
