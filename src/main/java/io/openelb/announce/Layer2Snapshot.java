package io.openelb.announce;

import java.util.List;
import java.util.Map;

/**
 * What this speaker's Layer 2 half knows now, for the status endpoint: the membership, and every Layer 2
 * address with its owner. Immutable; replaced whole on every change.
 *
 * @param problem why this node answers nothing (e.g. the membership secret is missing), "" when it can
 * @param members node names in the current membership view
 * @param interfaces per Layer 2 pool, the interface of this node it answers on (pools whose interface
 *                   this node lacks are absent)
 */
public record Layer2Snapshot(String node, String problem, List<String> members, List<Layer2Plan.Assignment> addresses,
        Map<String, String> interfaces) {
    public static final Layer2Snapshot EMPTY = new Layer2Snapshot("", "", List.of(), List.of(), Map.of());

    public Layer2Snapshot {
        members = List.copyOf(members);
        addresses = List.copyOf(addresses);
        interfaces = Map.copyOf(interfaces);
    }

    /** The addresses this node answers for. */
    public List<Layer2Plan.Assignment> owned() {
        return addresses.stream().filter(a -> a.owner().equals(node)).toList();
    }
}
