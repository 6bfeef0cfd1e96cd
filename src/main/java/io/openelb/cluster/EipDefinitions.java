package io.openelb.cluster;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.model.EipDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Copies an Eip custom resource into the plain values the pure core validates. */
public final class EipDefinitions {
    private EipDefinitions() {}

    public static EipDefinition of(Eip eip) {
        ObjectMeta meta = eip.getMetadata();
        EipSpec spec = eip.getSpec() == null ? new EipSpec() : eip.getSpec();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        long createdAt = meta.getCreationTimestamp() == null ? 0 : Instant.parse(meta.getCreationTimestamp()).toEpochMilli();
        return new EipDefinition(
                meta.getName(),
                createdAt,
                spec.address,
                spec.protocol,
                spec.iface,
                Boolean.TRUE.equals(spec.disable),
                Objects.requireNonNullElse(spec.priority, 0),
                Objects.requireNonNullElse(spec.namespaces, List.of()),
                Objects.requireNonNullElse(spec.namespaceSelector, Map.of()),
                "true".equals(annotations.get(Annotations.DEFAULT_POOL)),
                "true".equals(annotations.get(Annotations.ALLOW_NETWORK_AND_BROADCAST)));
    }
}
