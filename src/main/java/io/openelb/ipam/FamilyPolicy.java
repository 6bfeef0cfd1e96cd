package io.openelb.ipam;

/** {@code spec.ipFamilyPolicy} of a Service. */
public enum FamilyPolicy {
    /** One address, of the first family in {@code spec.ipFamilies}. */
    SINGLE_STACK,
    /** One address per family where a pool can give one; at least one. */
    PREFER_DUAL_STACK,
    /** One IPv4 and one IPv6 address, or none. */
    REQUIRE_DUAL_STACK
}
