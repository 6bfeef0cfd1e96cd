package io.openelb.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's warning that a {@code vertx.*} gauge "has been already registered". Vert.x's metrics
 * register the same gauge again on purpose, to find its counter: for the second event-bus consumer of the
 * process ({@code vertx.eventbus.handlers}), each message, each HTTP connection (vertx-micrometer-metrics
 * issue 259, documented upstream as harmless; Micrometer 1.13.9 and later warn at the first repeat, once per
 * process). Every process logged it at start, so it said nothing. Every other message passes.
 *
 * <p>Logback calls it on the logging thread, for every event; it is stateless.
 */
public final class VertxGaugeReRegistrations extends TurboFilter {
    static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
    static final String VERTX_GAUGE_REPEAT = "This Gauge has been already registered (MeterId{name='vertx.";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        boolean vertxGaugeRepeat = format != null && format.startsWith(VERTX_GAUGE_REPEAT)
                && logger.getName().equals(LOGGER);
        return vertxGaugeRepeat ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
