package io.openelb.status;

import java.util.List;

/**
 * One VRRP instance of this node (the kube-apiserver VIP), as {@code /api/v1/vip} shows it.
 *
 * @param instance  the instance's name
 * @param vrid      the VRID it runs
 * @param family    {@code ipv4} or {@code ipv6}, of its advertisements
 * @param iface     the interface it runs on
 * @param state     {@code initialize}, {@code backup} or {@code master}
 * @param master    the current master's address as last heard ("" when none)
 * @param priority  this node's configured priority
 * @param health    {@code unknown}, {@code healthy} or {@code unhealthy}: the local API server
 * @param problem   "" or why the instance cannot take part
 * @param addresses the addresses it holds while master
 */
public record VipView(String instance, int vrid, String family, String iface, String state, String master,
        int priority, String health, String problem, List<String> addresses) {
    public VipView {
        addresses = List.copyOf(addresses);
    }
}
