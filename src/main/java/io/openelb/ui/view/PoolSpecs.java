package io.openelb.ui.view;

import io.openelb.model.AddressRange;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import io.openelb.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An {@link EipInput} read with the model's own code ({@link AddressRange#parse}, {@link PoolSet#of}), and which
 * Services hold addresses of it. Shared by {@link PoolMaps} and {@link EipChanges}.
 */
final class PoolSpecs {
    private PoolSpecs() {}

    /** The Eip's addresses, or empty when {@code spec.address} does not parse. */
    static Optional<AddressRange> range(EipInput eip) {
        try {
            return Optional.of(AddressRange.parse(eip.address()));
        } catch (IllegalArgumentException invalid) {
            return Optional.empty();
        }
    }

    /**
     * The pool whose addresses the map draws. Only the range and the network/broadcast rule shape the map, so a
     * protocol the model refuses (the Eip is then invalid, which the UI says separately) does not hide it.
     */
    static Pool mapPool(EipInput eip, AddressRange range) {
        Protocol protocol;
        try {
            protocol = Protocol.parse(eip.protocol());
        } catch (IllegalArgumentException unknown) {
            protocol = Protocol.BGP;
        }
        return new Pool(eip.name(), range, protocol, eip.iface(), eip.disabled(), eip.priority(), eip.isDefault(),
                eip.namespaces(), eip.namespaceSelector(), !eip.allowNetworkAndBroadcast());
    }

    /**
     * The pool the controller and the speakers work with, as {@link PoolSet#of} validates this Eip on its own; or
     * why there is none (the controller's verdict {@link EipInput#invalid()} when it gave one, for conflicts with
     * other Eips that this Eip alone cannot show).
     */
    static Served served(EipInput eip) {
        if (eip.invalid() != null) {
            return new Served(eip.name(), null, eip.invalid());
        }
        PoolSet alone = PoolSet.of(List.of(new EipDefinition(eip.name(), 0, eip.address(), eip.protocol(),
                eip.iface(), eip.disabled(), eip.priority(), eip.namespaces(), eip.namespaceSelector(),
                eip.isDefault(), eip.allowNetworkAndBroadcast())));
        return alone.pool(eip.name()).map(p -> new Served(eip.name(), p, null))
                .orElseGet(() -> new Served(eip.name(), null, alone.invalid().get(eip.name())));
    }

    /**
     * An Eip as the announcers see it: {@code pool} null when it is invalid ({@code invalid} says why). Mirrors
     * {@code io.openelb.announce}: {@code BgpPlan.announcers} and {@code Layer2Plan.assign} announce an address
     * while a valid pool of their protocol contains it, disabled or not; {@code VipPlan.groups} skips disabled
     * pools.
     */
    record Served(String name, Pool pool, String invalid) {
        /** Why the speakers do not announce {@code address} for this Eip, or null when they do. */
        String whyNotAnnounced(IpAddress address) {
            if (pool == null) {
                return "no speaker announces " + address + " while Eip " + name + " is invalid (" + invalid + ")";
            }
            if (!pool.range().contains(address)) {
                return address + " is outside " + pool.range() + ": no longer announced";
            }
            if (pool.protocol() == Protocol.VIP && pool.disabled()) {
                return address + ": no node holds it while the vip Eip " + name + " is disabled";
            }
            return null;
        }
    }

    /**
     * The addresses each Service holds of this Eip, by {@code namespace/name} in order; Services holding none
     * are left out. An address inside the range counts whoever holds it, as the controller's
     * {@code Allocator.allocationsIn} and {@code PoolUsage} count (pools never overlap, so it is of no other
     * pool). A Service naming the Eip also holds its addresses of the Eip's family outside the range (the Eip
     * shrank: {@code EipStatuses} reports them as {@code AddressesOutsideRange}), and every address when the
     * Eip's address does not parse.
     */
    static Map<String, List<IpAddress>> holdings(EipInput eip, Optional<AddressRange> range,
            List<ServiceInput> services) {
        Map<String, List<IpAddress>> held = new TreeMap<>();
        for (ServiceInput service : services) {
            boolean names = eip.name().equals(service.pool());
            for (IpAddress address : addresses(service.addresses())) {
                boolean ofEip = range.map(r -> r.contains(address) || names && r.family() == address.family())
                        .orElse(names);
                if (ofEip) {
                    List<IpAddress> list = held.computeIfAbsent(service.key(), k -> new ArrayList<>());
                    if (!list.contains(address)) {
                        list.add(address);
                    }
                }
            }
        }
        return held;
    }

    /** The texts that are IP literals, parsed; host names and garbage are left out, as the controller does. */
    static List<IpAddress> addresses(List<String> texts) {
        List<IpAddress> parsed = new ArrayList<>();
        for (String text : texts) {
            try {
                parsed.add(IpAddress.parse(text.trim()));
            } catch (IllegalArgumentException hostNameOrGarbage) {
                // Conversion.ingress leaves these out too
            }
        }
        return parsed;
    }

    /** {@code IPv4} or {@code IPv6}, as Kubernetes writes the families. */
    static String familyName(IpFamily family) {
        return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
    }
}
