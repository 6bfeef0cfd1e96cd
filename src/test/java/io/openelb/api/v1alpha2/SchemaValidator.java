package io.openelb.api.v1alpha2;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a YAML object against a CRD's structural schema the way the API server does for the keywords
 * our CRDs use (type, properties, unknown fields, required, enum, pattern, maxLength, minimum, maximum,
 * int-or-string, and CEL rules of the form {@code self.matches('regex')} on strings). Other CEL rules are
 * not evaluated here: the ITs against the real API server cover them.
 */
final class SchemaValidator {
    private static final Pattern MATCHES_RULE = Pattern.compile("self\\.matches\\('(.*)'\\)");
    private final List<String> errors = new ArrayList<>();

    static List<String> validate(Object value, Map<String, Object> schema) {
        SchemaValidator v = new SchemaValidator();
        v.check(value, schema, "");
        return v.errors;
    }

    @SuppressWarnings("unchecked")
    private void check(Object value, Map<String, Object> schema, String path) {
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof Number || value instanceof String)) {
                errors.add(path + ": must be an integer or a string");
            }
            return;
        }
        String type = (String) schema.get("type");
        if (type == null) {
            return;
        }
        switch (type) {
            case "object" -> {
                if (!(value instanceof Map<?, ?> map)) {
                    errors.add(path + ": must be an object");
                    return;
                }
                if (path.equals(".metadata")) {
                    return; // ObjectMeta is validated by the API server itself
                }
                checkObject((Map<String, Object>) map, schema, path);
            }
            case "array" -> {
                if (!(value instanceof Collection<?> items)) {
                    errors.add(path + ": must be an array");
                    return;
                }
                int i = 0;
                for (Object item : items) {
                    check(item, (Map<String, Object>) schema.get("items"), path + "[" + i++ + "]");
                }
            }
            case "string" -> checkString(value, schema, path);
            case "integer" -> checkInteger(value, schema, path);
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    errors.add(path + ": must be a boolean");
                }
            }
            default -> errors.add(path + ": schema type " + type + " unknown to this checker");
        }
    }

    @SuppressWarnings("unchecked")
    private void checkObject(Map<String, Object> map, Map<String, Object> schema, String path) {
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        Object additional = schema.get("additionalProperties");
        List<String> required = (List<String>) schema.getOrDefault("required", List.of());
        for (String key : required) {
            if (!map.containsKey(key)) {
                errors.add(path + "." + key + ": Required value");
            }
        }
        boolean preserveUnknown = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String child = path + "." + e.getKey();
            if (properties != null && properties.containsKey(e.getKey())) {
                check(e.getValue(), (Map<String, Object>) properties.get(e.getKey()), child);
            } else if (additional instanceof Map<?, ?> additionalSchema) {
                check(e.getValue(), (Map<String, Object>) additionalSchema, child);
            } else if (!preserveUnknown && !(path.isEmpty() && (e.getKey().equals("apiVersion")
                    || e.getKey().equals("kind")))) {
                errors.add(child + ": unknown field (the API server would prune it)");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void checkString(Object value, Map<String, Object> schema, String path) {
        if (!(value instanceof String s)) {
            errors.add(path + ": must be a string");
            return;
        }
        List<Object> allowed = (List<Object>) schema.get("enum");
        if (allowed != null && !allowed.contains(s)) {
            errors.add(path + ": Unsupported value: \"" + s + "\": supported values: " + allowed);
        }
        String pattern = (String) schema.get("pattern");
        if (pattern != null && !Pattern.compile(pattern).matcher(s).find()) {
            errors.add(path + ": should match '" + pattern + "'");
        }
        for (Map<String, Object> rule
                : (List<Map<String, Object>>) schema.getOrDefault("x-kubernetes-validations", List.of())) {
            java.util.regex.Matcher matches = MATCHES_RULE.matcher((String) rule.get("rule"));
            if (matches.matches() && !Pattern.compile(matches.group(1)).matcher(s).find()) {
                errors.add(path + ": " + rule.get("message"));
            }
        }
        Number maxLength = (Number) schema.get("maxLength");
        if (maxLength != null && s.length() > maxLength.intValue()) {
            errors.add(path + ": may not be longer than " + maxLength);
        }
    }

    private void checkInteger(Object value, Map<String, Object> schema, String path) {
        if (!(value instanceof Integer || value instanceof Long)) {
            errors.add(path + ": must be an integer");
            return;
        }
        long n = ((Number) value).longValue();
        Number min = (Number) schema.get("minimum");
        Number max = (Number) schema.get("maximum");
        if (min != null && n < min.longValue()) {
            errors.add(path + ": should be greater than or equal to " + min);
        }
        if (max != null && n > max.longValue()) {
            errors.add(path + ": should be less than or equal to " + max);
        }
    }
}
