package io.openelb.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ipam.Allocation;
import io.openelb.ipam.Allocator;
import io.openelb.model.IpFamily;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import io.openelb.model.PoolUsage;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The status an Eip should have, computed from the validated pools and the allocator. Size, first and last
 * address, usage and {@code used} follow {@link PoolUsage}'s definition, as the metrics and the pools API do.
 */
final class EipStatuses {
    /** {@code status.used} lists this many addresses at most; {@code status.usage} stays exact. */
    static final int MAX_USED_LISTED = 100;

    private EipStatuses() {}

    /** The status of an Eip that {@code pools} validated (as a pool or as invalid). */
    static EipStatus desired(Eip eip, PoolSet pools, Allocator allocator, Instant now) {
        String name = eip.getMetadata().getName();
        EipStatus status = new EipStatus();
        List<Condition> conditions = new ArrayList<>();
        Optional<Pool> pool = pools.pool(name);
        // the message EipReports reads back from the condition to tell whether the validity changed
        String validity = EipReports.Validity.of(name, pools).message();
        if (pool.isEmpty()) {
            status.ready = false;
            status.occupied = false;
            status.usage = allocator.allocationsRecordedFor(name).stream().map(Allocation::address).distinct().count();
            conditions.add(condition("Valid", false, "InvalidSpec", validity));
        } else {
            Pool p = pool.get();
            PoolUsage usage = allocator.usage(name).orElseThrow();
            status.ready = !p.disabled();
            status.occupied = usage.full();
            status.usage = usage.used();
            status.poolSize = usage.size().min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
            status.firstIP = p.firstUsable().toString();
            status.lastIP = p.lastUsable().toString();
            status.v4 = p.family() == IpFamily.IPV4;
            status.used = used(allocator.allocationsIn(name));
            conditions.add(condition("Valid", true, "Valid", validity));
            List<Allocation> outside = allocator.allocationsRecordedFor(name).stream()
                    .filter(a -> !p.range().contains(a.address()))
                    .toList();
            if (!outside.isEmpty()) {
                conditions.add(condition("AddressesOutsideRange", true, "AddressChanged", outside.size()
                        + " Service(s) keep addresses outside the new address " + p.range() + ", e.g. "
                        + outside.get(0).address() + " held by " + outside.get(0).service()));
            }
        }
        status.conditions = keepTransitionTimes(conditions, eip.getStatus(), now);
        return status;
    }

    private static Map<String, String> used(List<Allocation> allocations) {
        Map<String, List<String>> byAddress = new TreeMap<>();
        for (Allocation a : allocations) {
            if (byAddress.size() >= MAX_USED_LISTED && !byAddress.containsKey(a.address().toString())) {
                break;
            }
            byAddress.computeIfAbsent(a.address().toString(), k -> new ArrayList<>()).add(a.service().toString());
        }
        Map<String, String> used = new LinkedHashMap<>();
        byAddress.forEach((address, services) -> used.put(address, String.join(";", services.stream().sorted().toList())));
        return used.isEmpty() ? null : used;
    }

    private static Condition condition(String type, boolean status, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(status ? "True" : "False").withReason(reason)
                .withMessage(message).build();
    }

    /** A condition whose status did not change keeps its lastTransitionTime, so unchanged status writes nothing. */
    private static List<Condition> keepTransitionTimes(List<Condition> conditions, EipStatus current, Instant now) {
        Map<String, Condition> before = current == null || current.conditions == null ? Map.of()
                : current.conditions.stream().collect(Collectors.toMap(Condition::getType, c -> c, (a, b) -> a));
        for (Condition c : conditions) {
            Condition old = before.get(c.getType());
            c.setLastTransitionTime(old != null && Objects.equals(old.getStatus(), c.getStatus())
                    ? old.getLastTransitionTime() : now.toString());
        }
        return conditions;
    }
}
