package io.openelb;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.openelb.metrics.VertxGaugeReRegistrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up logging once, from the configuration, before the first logger writes: every event to standard
 * error, as one text line or one JSON object per line (logback's {@link JsonEncoder}, for log shippers).
 */
final class Logging {
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %level %logger - %msg%n";

    private Logging() {}

    static void configure(String level, String format) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        VertxGaugeReRegistrations vertxGaugeRepeats = new VertxGaugeReRegistrations();
        vertxGaugeRepeats.start();
        context.addTurboFilter(vertxGaugeRepeats);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder(context, format));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(console);
        // pcap4j logs every filter change and wake-up at info
        context.getLogger("org.pcap4j").setLevel(Level.WARN);
        // fabric8 warns at start that network.kubesphere.io/v1alpha2 is an alpha version: it is OpenELB's,
        // kept for compatibility, and nothing a user can act on
        context.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").setLevel(Level.ERROR);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
        if (format.equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // the event as a reader needs it: no context dump, no raw template and arguments beside the message
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}
