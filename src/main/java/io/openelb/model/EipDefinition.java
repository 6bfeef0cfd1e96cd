package io.openelb.model;

import java.util.List;
import java.util.Map;

/**
 * An Eip as written by the user, before validation: plain values copied from the custom resource.
 *
 * @param createdAt creation time (epoch ms); of two conflicting Eips the older one stays valid
 */
public record EipDefinition(
        String name,
        long createdAt,
        String address,
        String protocol,
        String iface,
        boolean disable,
        int priority,
        List<String> namespaces,
        Map<String, String> namespaceSelector,
        boolean isDefault,
        boolean allowNetworkAndBroadcast) {

    public EipDefinition {
        namespaces = List.copyOf(namespaces);
        namespaceSelector = Map.copyOf(namespaceSelector);
    }
}
