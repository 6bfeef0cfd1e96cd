package io.openelb.vip;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * A value that is expensive to read, read again at most once per period: later calls within the period get
 * the last value. A read that fails is not kept (the next call reads again).
 *
 * <p>Threads: any; calls are serialised.
 */
final class ThrottledRead<T> {
    /** Reads the value (may block). */
    interface Reader<T> {
        T read() throws IOException;
    }

    private final Reader<T> reader;
    private final long periodNanos;
    private final LongSupplier nanoTime;
    private T value;
    private long readAt;
    private boolean read;

    ThrottledRead(Reader<T> reader, long periodNanos, LongSupplier nanoTime) {
        this.reader = reader;
        this.periodNanos = periodNanos;
        this.nanoTime = nanoTime;
    }

    synchronized T get() throws IOException {
        long now = nanoTime.getAsLong();
        if (!read || now - readAt >= periodNanos) {
            value = reader.read();
            readAt = now;
            read = true;
        }
        return value;
    }
}
