package io.openelb.metrics;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression (or a Grafana {@code label_values(...)} query) reads. */
final class PromQl {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?\\w+(?::\\w+)?}?");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,)]+?)\\s*,[^)]*\\)");
    // a name not preceded by a word character or '.', not a function call (possessive: "rate(" is no "rat")
    private static final Pattern NAME = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

    private PromQl() {}

    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    /** The label of a Grafana {@code label_values(metric, label)} query. */
    private static final Pattern LABEL_VALUES_LABEL =
            Pattern.compile("label_values\\([^,)]+,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

    /** The label names an expression matches on or groups by. */
    static Set<String> labelNames(String expression) {
        String e = STRING.matcher(expression).replaceAll("\"\"");
        Set<String> labels = new TreeSet<>();
        Matcher braces = Pattern.compile("\\{([^}]*)}").matcher(e);
        while (braces.find()) {
            Matcher m = MATCHER_LABEL.matcher(braces.group(1));
            while (m.find()) {
                labels.add(m.group(1));
            }
        }
        Matcher values = LABEL_VALUES_LABEL.matcher(e);
        while (values.find()) {
            labels.add(values.group(1));
        }
        Matcher g = GROUPING.matcher(e);
        while (g.find()) {
            for (String label : g.group(1).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.trim());
                }
            }
        }
        return labels;
    }

    static Set<String> metricNames(String expression) {
        String e = LABEL_VALUES.matcher(expression).replaceAll("$1");
        e = STRING.matcher(e).replaceAll("\"\"");
        e = GRAFANA_VARIABLE.matcher(e).replaceAll("1");
        e = e.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        e = LABEL_LIST.matcher(e).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(e);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
