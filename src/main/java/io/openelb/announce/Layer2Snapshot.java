package io.openelb.announce;

import java.util.List;

/**
 * What this speaker's Layer 2 half knows now, for the status endpoint: the membership, and every Layer 2
 * address with its owner. Immutable; replaced whole on every change.
 *
 * @param problem why this node answers nothing (e.g. the membership secret is missing), "" when it can
 * @param members node names in the current membership view
 */
public record Layer2Snapshot(String node, String problem, List<String> members, List<Layer2Plan.Assignment> addresses) {
    public static final Layer2Snapshot EMPTY = new Layer2Snapshot("", "", List.of(), List.of());

    public Layer2Snapshot {
        members = List.copyOf(members);
        addresses = List.copyOf(addresses);
    }

    /** The addresses this node answers for. */
    public List<Layer2Plan.Assignment> owned() {
        return addresses.stream().filter(a -> a.owner().equals(node)).toList();
    }
}
