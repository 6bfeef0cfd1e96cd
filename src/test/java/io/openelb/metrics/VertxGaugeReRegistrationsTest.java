package io.openelb.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class VertxGaugeReRegistrationsTest {
    private final LoggerContext context = new LoggerContext();
    private final VertxGaugeReRegistrations filter = new VertxGaugeReRegistrations();

    private FilterReply decide(String logger, String message) {
        return filter.decide(null, context.getLogger(logger), Level.WARN, message, null, null);
    }

    @Test
    void dropsMicrometersWarningAboutARepeatedVertxGauge() {
        assertThat(decide("io.micrometer.core.instrument.MeterRegistry", "This Gauge has been already registered "
                + "(MeterId{name='vertx.eventbus.handlers', tags=[]}), the registration will be ignored. Note that "
                + "subsequent logs will be logged at debug level.")).isEqualTo(FilterReply.DENY);
    }

    @Test
    void letsTheSameWarningAboutAnotherGaugeThrough() {
        assertThat(decide("io.micrometer.core.instrument.MeterRegistry", "This Gauge has been already registered "
                + "(MeterId{name='openelb_bgp_session_up', tags=[]}), the registration will be ignored."))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void letsEveryOtherMessageThrough() {
        assertThat(decide("io.micrometer.core.instrument.MeterRegistry", "A MeterFilter is being configured "
                + "after a Meter has been registered to this registry.")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("io.openelb.Main", "This Gauge has been already registered (MeterId{name='vertx.x'}"))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("io.openelb.Main", null)).isEqualTo(FilterReply.NEUTRAL);
    }
}
