package io.openelb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.openelb.metrics.VertxGaugeReRegistrations;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingTest {
    private final LoggerContext context = new LoggerContext();

    private ConsoleAppender<ILoggingEvent> console() {
        return (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
    }

    @Test
    void logbackConfiguresItselfWithTheDefaultInCode() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(Logging.class);
        LoggerContext processContext = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(processContext.getTurboFilterList()).hasAtLeastOneElementOfType(VertxGaugeReRegistrations.class);
    }

    @Test
    void theDefaultIsTextAtInfoToStandardError() {
        assertThat(new Logging().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(console().getTarget()).isEqualTo("System.err");
        assertThat(console().getEncoder()).isInstanceOfSatisfying(PatternLayoutEncoder.class,
                text -> assertThat(text.getPattern()).isEqualTo(Logging.TEXT_PATTERN));
        assertThat(context.getTurboFilterList()).singleElement().isInstanceOf(VertxGaugeReRegistrations.class);
        assertThat(context.getLogger("org.pcap4j").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").getLevel())
                .isEqualTo(Level.ERROR);
    }

    @Test
    void theOptionsReplaceTheDefaultAndKeepTheFilterAndLoggerLevels() {
        new Logging().configure(context);

        Logging.configure(context, "debug", "json");

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders()).toIterable().hasSize(1);
        assertThat(console().getEncoder()).isInstanceOf(JsonEncoder.class);
        assertThat(context.getTurboFilterList()).singleElement().isInstanceOf(VertxGaugeReRegistrations.class);
        assertThat(context.getLogger("org.pcap4j").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").getLevel())
                .isEqualTo(Level.ERROR);
    }
}
