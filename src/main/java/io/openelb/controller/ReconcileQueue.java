package io.openelb.controller;

import io.openelb.ipam.ServiceKey;
import io.openelb.metrics.IpamMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Services waiting for a reconcile, in order: at most {@link #MAX_IN_FLIGHT} at once, never two of
 * one Service. A failed one is retried after {@link #RETRY_MS}, doubled for each further failure in a row
 * up to {@link #MAX_RETRY_MS}, each delay drawn from its second half (jitter: a thousand Services that
 * failed together, say while the API server was away, do not all come back in the same millisecond).
 * Runs on the controller's event loop.
 */
final class ReconcileQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileQueue.class);
    static final int MAX_IN_FLIGHT = 16;
    static final long RETRY_MS = 1000;
    static final long MAX_RETRY_MS = 16_000;

    private final Vertx vertx;
    private final IpamMetrics metrics;
    private final Function<ServiceKey, Future<Void>> reconcile;
    private final Set<ServiceKey> queued = new LinkedHashSet<>();
    private final Set<ServiceKey> inFlight = new HashSet<>();
    private final Map<ServiceKey, Integer> failuresInARow = new HashMap<>();
    /** The delay to wait, given the longest one allowed: anywhere in its second half. */
    static final LongUnaryOperator JITTER = max -> max / 2 + ThreadLocalRandom.current().nextLong(max / 2 + 1);
    private boolean drainQueued;
    private boolean stopping;

    ReconcileQueue(Vertx vertx, IpamMetrics metrics, Function<ServiceKey, Future<Void>> reconcile) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.reconcile = reconcile;
    }

    /** How long to wait before the next attempt after {@code failures} (1 or more) failures in a row. */
    static long retryDelay(int failures, LongUnaryOperator jitter) {
        long max = RETRY_MS << Math.min(failures - 1, 10);
        return jitter.applyAsLong(Math.min(max, MAX_RETRY_MS));
    }

    /** Queues the Service; call {@link #drain} after a batch. */
    void add(ServiceKey key) {
        queued.add(key);
    }

    /** Starts nothing new and completes once the reconciles already started have ended. */
    Future<Void> stop() {
        stopping = true;
        Promise<Void> idle = Promise.promise();
        whenIdle(idle);
        return idle.future();
    }

    private void whenIdle(Promise<Void> idle) {
        if (inFlight.isEmpty()) {
            idle.complete();
        } else {
            vertx.setTimer(20, id -> whenIdle(idle));
        }
    }

    void drain() {
        while (!stopping && inFlight.size() < MAX_IN_FLIGHT) {
            // a key whose reconcile is running waits in the queue until that one ends
            ServiceKey key = queued.stream().filter(k -> !inFlight.contains(k)).findFirst().orElse(null);
            if (key == null) {
                return;
            }
            queued.remove(key);
            inFlight.add(key);
            long started = System.nanoTime();
            reconcile.apply(key).onComplete(result -> {
                inFlight.remove(key);
                metrics.reconciled(System.nanoTime() - started, result.succeeded());
                if (result.succeeded()) {
                    failuresInARow.remove(key);
                }
                if (result.failed()) {
                    long delay = retryDelay(failuresInARow.merge(key, 1, Integer::sum), JITTER);
                    LOG.warn("{}: write failed, retrying in {} ms: {}", key, delay, result.cause().getMessage());
                    metrics.apiWriteError();
                    vertx.setTimer(delay, id -> {
                        queued.add(key);
                        drainSoon();
                    });
                }
                drainSoon();
            });
        }
    }

    /**
     * drain() on the next event-loop turn, once however often asked. A reconcile that completes at once
     * (nothing to write) calls back inside drain()'s loop: calling drain() there recursed once per such
     * Service, and a few thousand Services waiting for a pool overflowed the stack.
     */
    private void drainSoon() {
        if (!drainQueued) {
            drainQueued = true;
            vertx.runOnContext(v -> {
                drainQueued = false;
                drain();
            });
        }
    }
}
