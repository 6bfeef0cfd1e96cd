package io.openelb.announce;

import io.openelb.model.IpAddress;

/**
 * {@code Eip.spec.interface}: a NIC name, or {@code can_reach:<ip>} for the interface whose route reaches
 * that address (OpenELB's syntax).
 */
public sealed interface InterfaceSpec {
    String PREFIX = "can_reach:";

    /** A NIC by name, e.g. {@code eth0}. */
    record Named(String name) implements InterfaceSpec {}

    /** The interface of the route to {@code address}. */
    record CanReach(IpAddress address) implements InterfaceSpec {}

    /** @throws IllegalArgumentException naming the text when it is neither form */
    static InterfaceSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith(PREFIX)) {
            return new CanReach(IpAddress.parse(t.substring(PREFIX.length()).trim()));
        }
        // Linux IFNAMSIZ: at most 15 characters, no '/', no whitespace
        if (t.isEmpty() || t.length() > 15 || t.contains("/") || t.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("interface '" + text + "' is neither a NIC name nor can_reach:<ip>");
        }
        return new Named(t);
    }
}
