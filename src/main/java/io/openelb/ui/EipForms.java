package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.ui.view.EipInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code EipForm} of {@code docs/ui.md} to an Eip object and back to the UI's view of one. Pure: no client.
 * A form is checked for types only (a string where a string belongs); whether the values make a valid pool is
 * the API server's word (the CRD's schema and rules), passed on unchanged.
 */
final class EipForms {
    /** The condition the controller writes on an Eip: status False and its message when it refuses the pool. */
    static final String VALID_CONDITION = "Valid";

    private EipForms() {}

    /** A new Eip named by the form. */
    static Eip created(JsonObject form) {
        String name = text(form, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is required");
        }
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName(name).build());
        eip.setSpec(new EipSpec());
        apply(form, eip);
        return eip;
    }

    /**
     * A copy of {@code current} with the form's spec fields and annotations; other labels, annotations and spec
     * fields kept. The form's {@code generation} (when given) guards the update: a spec changed by someone else
     * since the form was opened is a 409 ({@link UiError}); the controller's status writes do not count.
     */
    static Eip edited(Eip current, JsonObject form) {
        Eip eip = new Eip();
        ObjectMeta meta = new ObjectMetaBuilder(current.getMetadata()).build();
        meta.setAnnotations(current.getMetadata().getAnnotations() == null ? null
                : new LinkedHashMap<>(current.getMetadata().getAnnotations()));
        Object generation = form.getValue("generation");
        if (generation != null && !(generation instanceof Number)) {
            throw new IllegalArgumentException("generation: expected number");
        }
        if (generation != null && !Long.valueOf(((Number) generation).longValue()).equals(meta.getGeneration())) {
            throw new UiError(409, "Eip " + meta.getName() + " was changed by someone else since you opened it "
                    + "(generation " + generation + ", now " + meta.getGeneration() + "): reload and edit again");
        }
        eip.setMetadata(meta);
        EipSpec spec = new EipSpec();
        if (current.getSpec() != null) {
            spec.usingKnownIPs = current.getSpec().usingKnownIPs;
        }
        eip.setSpec(spec);
        eip.setStatus(current.getStatus());
        apply(form, eip);
        return eip;
    }

    private static void apply(JsonObject form, Eip eip) {
        EipSpec spec = eip.getSpec();
        spec.address = text(form, "address");
        spec.protocol = orNull(text(form, "protocol"));
        spec.iface = orNull(text(form, "interface"));
        spec.disable = typed(form, "disable", Boolean.class, false) ? true : null;
        int priority = typed(form, "priority", Integer.class, 0);
        spec.priority = priority == 0 ? null : priority;
        List<String> namespaces = strings(typed(form, "namespaces", JsonArray.class, null));
        spec.namespaces = namespaces.isEmpty() ? null : namespaces;
        Map<String, String> selector = stringMap(typed(form, "namespaceSelector", JsonObject.class, null));
        spec.namespaceSelector = selector.isEmpty() ? null : selector;
        flag(eip.getMetadata(), Annotations.DEFAULT_POOL, typed(form, "isDefault", Boolean.class, false));
        flag(eip.getMetadata(), Annotations.ALLOW_NETWORK_AND_BROADCAST,
                typed(form, "allowNetworkAndBroadcast", Boolean.class, false));
    }

    /** {@code "true"} when set; removed when not (an absent annotation and "false" mean the same). */
    private static void flag(ObjectMeta meta, String annotation, boolean on) {
        Map<String, String> annotations = meta.getAnnotations() == null ? new LinkedHashMap<>()
                : meta.getAnnotations();
        if (on) {
            annotations.put(annotation, "true");
        } else {
            annotations.remove(annotation);
        }
        meta.setAnnotations(annotations.isEmpty() ? null : annotations);
    }

    /** The UI's view of an Eip: its spec with defaults filled in, and the controller's verdict. */
    static EipInput input(Eip eip) {
        EipSpec spec = eip.getSpec() == null ? new EipSpec() : eip.getSpec();
        Map<String, String> annotations = eip.getMetadata().getAnnotations() == null ? Map.of()
                : eip.getMetadata().getAnnotations();
        return new EipInput(eip.getMetadata().getName(),
                spec.address == null ? "" : spec.address,
                spec.protocol == null ? "" : spec.protocol,
                spec.iface == null ? "" : spec.iface,
                Boolean.TRUE.equals(spec.disable),
                spec.priority == null ? 0 : spec.priority,
                spec.namespaces == null ? List.of() : spec.namespaces,
                spec.namespaceSelector == null ? Map.of() : spec.namespaceSelector,
                "true".equals(annotations.get(Annotations.DEFAULT_POOL)),
                "true".equals(annotations.get(Annotations.ALLOW_NETWORK_AND_BROADCAST)),
                invalid(eip));
    }

    /** The message of the controller's {@code Valid=False} condition, else null. */
    private static String invalid(Eip eip) {
        if (eip.getStatus() == null || eip.getStatus().conditions == null) {
            return null;
        }
        for (Condition c : eip.getStatus().conditions) {
            if (VALID_CONDITION.equals(c.getType()) && "False".equals(c.getStatus())) {
                return c.getMessage() == null ? "" : c.getMessage();
            }
        }
        return null;
    }

    /** The string at {@code key}, trimmed; "" when absent or null. */
    static String text(JsonObject form, String key) {
        return typed(form, key, String.class, "").trim();
    }

    /** The value at {@code key}, {@code absent} when absent or null; bad input when of another type. */
    static <T> T typed(JsonObject form, String key, Class<T> type, T absent) {
        Object value = form.getValue(key);
        if (value == null) {
            return absent;
        }
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(key + ": expected " + type.getSimpleName().toLowerCase(Locale.ROOT));
        }
        return type.cast(value);
    }

    private static String orNull(String value) {
        return value.isEmpty() ? null : value;
    }

    static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                String value = array.getString(i);
                if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException("a list holds an empty entry");
                }
                out.add(value.trim());
            }
        }
        return out;
    }

    private static Map<String, String> stringMap(JsonObject object) {
        Map<String, String> out = new LinkedHashMap<>();
        if (object != null) {
            object.forEach(e -> {
                if (!(e.getValue() instanceof String value)) {
                    throw new IllegalArgumentException("namespaceSelector." + e.getKey() + " must be a string");
                }
                out.put(e.getKey(), value);
            });
        }
        return out;
    }
}
