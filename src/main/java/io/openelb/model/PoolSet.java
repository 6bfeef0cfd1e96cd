package io.openelb.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every Eip checked against itself and the others: the valid ones as {@link Pool}s, and for each
 * invalid one the reason, ready for its status condition. Of two Eips that conflict (overlapping
 * addresses, two defaults of one family) the older stays valid, so adding a bad Eip never breaks a
 * working one.
 */
public record PoolSet(List<Pool> pools, Map<String, String> invalid) {

    public PoolSet {
        pools = List.copyOf(pools);
        invalid = Map.copyOf(invalid);
    }

    public static PoolSet of(Collection<EipDefinition> definitions) {
        List<Pool> valid = new ArrayList<>();
        Map<String, String> invalid = new LinkedHashMap<>();
        List<EipDefinition> oldestFirst = definitions.stream()
                .sorted(Comparator.comparingLong(EipDefinition::createdAt).thenComparing(EipDefinition::name))
                .toList();
        for (EipDefinition eip : oldestFirst) {
            try {
                Pool pool = toPool(eip);
                Optional<Pool> overlapping = valid.stream().filter(p -> p.range().overlaps(pool.range())).findFirst();
                if (overlapping.isPresent()) {
                    invalid.put(eip.name(), "address " + pool.range() + " overlaps Eip " + overlapping.get().name()
                            + " (" + overlapping.get().range() + ")");
                    continue;
                }
                Optional<Pool> otherDefault = valid.stream()
                        .filter(p -> pool.isDefault() && p.isDefault() && p.family() == pool.family())
                        .findFirst();
                if (otherDefault.isPresent()) {
                    invalid.put(eip.name(), "Eip " + otherDefault.get().name() + " is already the default "
                            + pool.family() + " pool; only one may carry eip.openelb.kubesphere.io/is-default-eip");
                    continue;
                }
                valid.add(pool);
            } catch (IllegalArgumentException e) {
                invalid.put(eip.name(), e.getMessage());
            }
        }
        return new PoolSet(valid, invalid);
    }

    public Optional<Pool> pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static Pool toPool(EipDefinition eip) {
        AddressRange range = AddressRange.parse(eip.address());
        Protocol protocol = Protocol.parse(eip.protocol());
        String iface = eip.iface() == null ? "" : eip.iface().trim();
        if (protocol != Protocol.BGP && iface.isEmpty()) {
            throw new IllegalArgumentException("spec.interface is required when spec.protocol is " + protocol);
        }
        return new Pool(eip.name(), range, protocol, iface, eip.disable(), eip.priority(), eip.isDefault(),
                eip.namespaces(), eip.namespaceSelector(), !eip.allowNetworkAndBroadcast());
    }
}
