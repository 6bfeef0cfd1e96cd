package io.openelb.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as Kubernetes and Go write them: {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}. */
final class DurationParser {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private DurationParser() {}

    static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "', expected e.g. 500ms, 15s, 2m or 1h");
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
