package io.openelb.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions}, all must hold), converted
 * from the custom resource. An empty selector selects everything, as in Kubernetes. Immutable.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    /** Selects everything. */
    public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

    /** One expression: {@code operator} is In, NotIn, Exists or DoesNotExist. */
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            values = List.copyOf(values);
        }
    }

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** Whether the labels satisfy every label and expression. */
    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            String value = labels.get(r.key());
            boolean holds = switch (r.operator()) {
                case "In" -> value != null && r.values().contains(value);
                case "NotIn" -> value == null || !r.values().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    /** What the API server would refuse in a selector, each prefixed by {@code field}; empty when none. */
    public List<String> problems(String field) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < matchExpressions.size(); i++) {
            Requirement r = matchExpressions.get(i);
            String at = field + ".matchExpressions[" + i + "]";
            switch (r.operator()) {
                case "In", "NotIn" -> {
                    if (r.values().isEmpty()) {
                        problems.add(at + ".values: must be non-empty for operator " + r.operator());
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!r.values().isEmpty()) {
                        problems.add(at + ".values: must be empty for operator " + r.operator());
                    }
                }
                default -> problems.add(at + ".operator: '" + r.operator()
                        + "' is not In, NotIn, Exists or DoesNotExist");
            }
        }
        return problems;
    }
}
