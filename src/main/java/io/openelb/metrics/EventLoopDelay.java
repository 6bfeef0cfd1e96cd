package io.openelb.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * {@code openelb_event_loop_delay_seconds{vertx}}: how late a timer set every second on each event loop of
 * a Vertx fired. Near zero while the loops are free; a blocking call or a long handler shows as delay (its
 * max) long before the BGP hold timer or the HTTP probes notice. Vert.x's own metrics cover pools, the
 * event bus and HTTP, not the loops.
 *
 * <p>One small verticle instance per event loop (Vert.x gives each instance of a deployment its own loop,
 * round robin); they end with the Vertx.
 */
public final class EventLoopDelay extends VerticleBase {
    static final long PERIOD_MS = 1000;
    private final Timer delay;

    private EventLoopDelay(Timer delay) {
        this.delay = delay;
    }

    /**
     * @param name  which Vertx of the process: {@code main} or {@code bgp}
     * @param loops its event-loop pool size
     */
    public static Future<String> deploy(Vertx vertx, MeterRegistry registry, String name, int loops) {
        Timer delay = Timer.builder("openelb_event_loop_delay")
                .description("How late a timer on an event loop fired (the loop was busy)")
                .tag("vertx", name)
                .register(registry);
        return vertx.deployVerticle(() -> new EventLoopDelay(delay), new DeploymentOptions().setInstances(loops));
    }

    @Override
    public Future<?> start() {
        schedule();
        return Future.succeededFuture();
    }

    private void schedule() {
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
        vertx.setTimer(PERIOD_MS, id -> {
            delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
            schedule();
        });
    }
}
