package io.openelb.it;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads something every 100 ms on its own thread (the router's route, BIRD's sessions) and keeps every
 * reading with its time, for what must hold at every sample while a test disturbs the system.
 */
final class Sampler<T> implements AutoCloseable {
    /** One reading and when it was taken. */
    record Sample<T>(Instant at, T value) {}

    private final List<Sample<T>> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Sampler(String name, Supplier<T> read) {
        thread = new Thread(() -> {
            while (running) {
                T value = read.get();
                synchronized (samples) {
                    samples.add(new Sample<>(Instant.now(), value));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    List<Sample<T>> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The samples whose value fails {@code holds}. */
    List<Sample<T>> misses(Predicate<T> holds) {
        return samples().stream().filter(s -> !holds.test(s.value())).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
