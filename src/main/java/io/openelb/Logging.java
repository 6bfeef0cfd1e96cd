package io.openelb;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.openelb.metrics.VertxGaugeReRegistrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's logging: every event to standard error, as one text line or one JSON object per line
 * (logback's {@link JsonEncoder}, for log shippers).
 *
 * <p>Two entry points share one setup. Logback finds this class as its {@link Configurator} (listed in
 * {@code META-INF/services}) and calls {@link #configure(LoggerContext)} on the thread of the first
 * {@code LoggerFactory} call: text at INFO, for anything logged before the options are read (and for tests).
 * Configured in code, logback loads neither its XML configurator nor an XML parser. {@code Main} then calls
 * {@link #configure(String, String)} once, from its options, before the first logger writes.
 */
public final class Logging extends ContextAwareBase implements Configurator {
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %level %logger - %msg%n";

    /** Logback instantiates it through the service loader. */
    public Logging() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        apply(context, Level.INFO, "text");
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void configure(String level, String format) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), level, format);
    }

    static void configure(LoggerContext context, String level, String format) {
        context.reset();
        apply(context, Level.toLevel(level, Level.INFO), format);
    }

    private static void apply(LoggerContext context, Level level, String format) {
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
        root.setLevel(level);
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
