package io.openelb.speaker;

import io.openelb.bgp.fsm.Timer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The state machine's timers of one session as Vert.x timers: at most one of each kind runs, and an
 * expiry is handed to the session. Called on, and calls back on, the owning verticle's event loop.
 */
final class SessionTimers {
    private final Vertx vertx;
    private final Consumer<Timer> expired;
    private final Map<Timer, Long> running = new EnumMap<>(Timer.class);

    SessionTimers(Vertx vertx, Consumer<Timer> expired) {
        this.vertx = vertx;
        this.expired = expired;
    }

    /** (Re)starts {@code timer}; the connect-retry timer varies by a quarter either way. */
    void start(Timer timer, Duration after) {
        cancel(timer);
        long ms = after.toMillis();
        if (timer == Timer.CONNECT_RETRY) {
            ms = Math.round(ms * ThreadLocalRandom.current().nextDouble(0.75, 1.25)); // jitter: no herds
        }
        running.put(timer, vertx.setTimer(Math.max(1, ms), id -> {
            running.remove(timer);
            expired.accept(timer);
        }));
    }

    void cancel(Timer timer) {
        Long id = running.remove(timer);
        if (id != null) {
            vertx.cancelTimer(id);
        }
    }
}
