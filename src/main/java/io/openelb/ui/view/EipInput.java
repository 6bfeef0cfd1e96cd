package io.openelb.ui.view;

import java.util.List;
import java.util.Map;

/**
 * An Eip as the UI shows and edits it: its spec (OpenELB's fields) and the controller's verdict.
 *
 * @param address  one IP, a CIDR or a {@code first-last} range, as written
 * @param protocol {@code bgp}, {@code layer2} or {@code vip} (empty: bgp)
 * @param iface    interface name or {@code can_reach:IP}; empty when none
 * @param invalid  the controller's message when it refuses the pool (status condition), else null
 */
public record EipInput(
        String name,
        String address,
        String protocol,
        String iface,
        boolean disabled,
        int priority,
        List<String> namespaces,
        Map<String, String> namespaceSelector,
        boolean isDefault,
        boolean allowNetworkAndBroadcast,
        String invalid) {

    public EipInput {
        namespaces = List.copyOf(namespaces);
        namespaceSelector = Map.copyOf(namespaceSelector);
    }
}
