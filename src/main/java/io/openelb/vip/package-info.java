/**
 * The VIP mode's shell (OpenELB's {@code protocol: vip}): the elected node configures the address on its
 * interface. VRRP v3 on the wire through a capture handle per interface ({@link VrrpLink}), addresses
 * added and removed over rtnetlink ({@link InterfaceAddresses}); the election itself is the pure
 * {@code io.openelb.vrrp}.
 */
package io.openelb.vip;
