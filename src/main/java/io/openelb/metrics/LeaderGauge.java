package io.openelb.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code openelb_controller_leader}: 1 while this replica is the active controller. Exists in every process
 * that runs the controller role, also without leader election (then 1 at once), so "no leader" can be
 * told from "no controller metrics". Thread-safe.
 */
public final class LeaderGauge {
    private final AtomicInteger leader = new AtomicInteger();

    public LeaderGauge(MeterRegistry registry) {
        Gauge.builder("openelb_controller_leader", leader, AtomicInteger::get)
                .description("1 while this replica is the active controller, else 0")
                .strongReference(true).register(registry);
    }

    public void set(boolean leads) {
        leader.set(leads ? 1 : 0);
    }
}
