package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.function.Supplier;

/**
 * An object that carries only its name, to patch the object of that name: fabric8's {@code patch} on a
 * resource chosen with {@code withName} GETs the object first (it patches an item), one more API round
 * trip before every write; given an item, it sends the patch alone. The patch itself says what must
 * match (a resourceVersion where it matters).
 */
public final class Named {
    private Named() {}

    /** {@code empty} with only {@code namespace} (null: cluster-scoped) and {@code name} set. */
    public static <T extends HasMetadata> T of(Supplier<T> empty, String namespace, String name) {
        T named = empty.get();
        named.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        return named;
    }
}
