package io.openelb.layer2.wire;

import io.openelb.model.IpAddress;

/**
 * Someone on the segment asks who has {@code target}: an ARP request (IPv4) or a Neighbor Solicitation
 * (IPv6).
 *
 * @param senderIp the asker's address; null for an IPv6 solicitation from the unspecified address (DAD)
 */
public record NeighborRequest(IpAddress target, MacAddress senderMac, IpAddress senderIp) {}
