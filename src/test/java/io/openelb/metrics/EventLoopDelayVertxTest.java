package io.openelb.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopDelayVertxTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)
            .setBlockedThreadCheckInterval(60_000)).build();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aBlockedLoopShowsAsDelay() throws Exception {
        EventLoopDelay.deploy(vertx, registry, "bgp", 1).await(10, TimeUnit.SECONDS);
        vertx.runOnContext(v -> sleep(1600)); // the one loop is busy when the 1 s timer is due

        Timer delay = registry.get("openelb_event_loop_delay").tag("vertx", "bgp").timer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (delay.count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(delay.count()).isPositive();
        assertThat(delay.max(TimeUnit.MILLISECONDS)).isGreaterThan(300);
    }

    @Test
    void aFreeLoopShowsLittleDelay() throws Exception {
        EventLoopDelay.deploy(vertx, registry, "main", 1).await(10, TimeUnit.SECONDS);

        Timer delay = registry.get("openelb_event_loop_delay").tag("vertx", "main").timer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (delay.count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(delay.count()).isGreaterThanOrEqualTo(2);
        assertThat(delay.max(TimeUnit.MILLISECONDS)).isLessThan(300);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
