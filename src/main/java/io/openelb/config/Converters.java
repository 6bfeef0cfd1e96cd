package io.openelb.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters of the option values: each turns the text of a flag or environment variable into
 * its type, or refuses it with a {@link TypeConversionException} whose message says what is wrong with
 * the value (the caller puts the option's name in front). Pure, stateless; called on the parsing thread.
 */
final class Converters {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern HOST_NAME =
            Pattern.compile("(?i)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
    /** Starts with a hex digit or a colon, so {@link InetAddress} reads it as a literal and never asks DNS. */
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final int MAX_PORT = 65535;
    /** Layer 2 failure detection listens on the membership port + this. */
    static final int FAILURE_DETECTION_OFFSET = 100;

    private Converters() {}

    /** Whether {@code name} is a valid Kubernetes object name (DNS-1123 subdomain), e.g. a Node's. */
    static boolean isObjectName(String name) {
        return name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
    }

    /** The duration as the options write it, in the largest unit that keeps it exact: {@code 300ms}, {@code 2m}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds == 0 || seconds % 60 != 0) {
            return seconds + "s";
        }
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds / 60 + "m";
    }

    /** Durations as Kubernetes and Go write them: {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}; 0 allowed. */
    static class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Matcher m = DURATION.matcher(text.trim());
            if (!m.matches()) {
                throw new TypeConversionException(
                        "invalid duration '" + text + "', expected e.g. 500ms, 15s, 2m or 1h");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
    }

    /** A {@link DurationConverter} duration longer than 0 (timeouts, periods). */
    static final class PositiveDurationConverter extends DurationConverter {
        @Override
        public Duration convert(String text) {
            Duration duration = super.convert(text);
            if (duration.isZero()) {
                throw new TypeConversionException("must be longer than 0");
            }
            return duration;
        }
    }

    /** An integer in {@code [min, max]}. */
    abstract static class RangeConverter implements ITypeConverter<Integer> {
        private final int min;
        private final int max;
        private final String meaning;

        RangeConverter(int min, int max, String meaning) {
            this.min = min;
            this.max = max;
            this.meaning = meaning;
        }

        @Override
        public Integer convert(String text) {
            try {
                int value = Integer.parseInt(text.trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException notANumber) {
                // refused below, with the range
            }
            throw new TypeConversionException("'" + text + "' is not " + meaning + " (" + min + "-" + max + ")");
        }
    }

    /** A TCP port, 0 (any free port) to 65535. */
    static class PortConverter extends RangeConverter {
        PortConverter() {
            super(0, MAX_PORT, "a port number");
        }
    }

    /** Event loops of the process: one at least; more than a node has cores only switch threads. */
    static final class EventLoopsConverter extends RangeConverter {
        EventLoopsConverter() {
            super(1, 64, "a number of event loops");
        }
    }

    /** The Layer 2 membership port: fixed (peers must agree on it) and leaving room for failure detection. */
    static final class MembershipPortConverter extends PortConverter {
        @Override
        public Integer convert(String text) {
            int port = super.convert(text);
            if (port == 0 || port > MAX_PORT - FAILURE_DETECTION_OFFSET) {
                throw new TypeConversionException("must be 1-" + (MAX_PORT - FAILURE_DETECTION_OFFSET)
                        + " (failure detection uses PORT+" + FAILURE_DETECTION_OFFSET + ")");
            }
            return port;
        }
    }

    /** {@code true} or {@code false} in any case; nothing else (no yes/no/1/0). */
    static final class BooleanConverter implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String text) {
            String value = text.trim().toLowerCase(Locale.ROOT);
            if (value.equals("true") || value.equals("false")) {
                return Boolean.valueOf(value);
            }
            throw new TypeConversionException("'" + text + "' is not true or false");
        }
    }

    /** A {@link Role} by its name in any case. */
    static final class RoleConverter implements ITypeConverter<Role> {
        @Override
        public Role convert(String text) {
            for (Role role : Role.values()) {
                if (role.toString().equalsIgnoreCase(text.trim())) {
                    return role;
                }
            }
            throw new TypeConversionException("unknown role '" + text + "', expected controller, speaker or all "
                    + "(or apiserver-vip)");
        }
    }

    /** A constant of {@code type} by its name in any case; the constants are listed in lower case when refused. */
    abstract static class LowerCaseEnumConverter<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        LowerCaseEnumConverter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String text) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text.trim())) {
                    return constant;
                }
            }
            throw new TypeConversionException("'" + text + "' is not one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }

    static final class LogLevelConverter extends LowerCaseEnumConverter<Flags.LogLevel> {
        LogLevelConverter() {
            super(Flags.LogLevel.class);
        }
    }

    static final class LogFormatConverter extends LowerCaseEnumConverter<Flags.LogFormat> {
        LogFormatConverter() {
            super(Flags.LogFormat.class);
        }
    }

    /** An address to bind to: an IPv4 or IPv6 literal (with an optional zone) or a host name, trimmed. */
    static final class HostConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            String host = text.trim();
            if (host.isEmpty()) {
                throw new TypeConversionException("must not be empty");
            }
            if (HOST_NAME.matcher(host).matches() || isIpv6Literal(host)) {
                return host;
            }
            throw new TypeConversionException("'" + text + "' is not an IP address or host name");
        }

        private static boolean isIpv6Literal(String host) {
            String address = host.replaceFirst("%[\\w.-]+$", "");
            if (!IPV6_LITERAL.matcher(address).matches()) {
                return false;
            }
            try {
                InetAddress.getByName(address);
                return true;
            } catch (UnknownHostException invalid) {
                return false;
            }
        }
    }

    /** A namespace name (DNS-1123 label). */
    static final class NamespaceConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (!DNS_LABEL.matcher(text).matches()) {
                throw new TypeConversionException("'" + text + "' is not a valid namespace name");
            }
            return text;
        }
    }

    /** A Kubernetes object name (DNS-1123 subdomain). */
    static final class ObjectNameConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (!isObjectName(text)) {
                throw new TypeConversionException("'" + text + "' is not a valid object name");
            }
            return text;
        }
    }

    /** Any text but blank, trimmed. */
    static final class NonBlankConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (text.isBlank()) {
                throw new TypeConversionException("must not be empty");
            }
            return text.trim();
        }
    }
}
