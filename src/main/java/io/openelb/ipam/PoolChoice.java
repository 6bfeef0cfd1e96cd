package io.openelb.ipam;

import io.openelb.ipam.AllocationError.Reason;
import io.openelb.model.IpFamily;
import io.openelb.model.Pool;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Which pools may give a Service an address of one family, in the order they are tried. Pure. */
final class PoolChoice {
    private PoolChoice() {}

    /** The pools to try, or (with no pools) why none may serve the request. */
    record Candidates(List<Pool> pools, AllocationError error) {}

    /** Named pool; else the default pools; else pools admitting the namespace, lowest priority value first. */
    static Candidates candidates(Map<String, Pool> pools, AllocationRequest request, IpFamily family) {
        if (!request.pool().isEmpty()) {
            return named(pools.get(request.pool()), request, family);
        }
        List<Pool> ofFamily = pools.values().stream().filter(p -> p.family() == family && !p.disabled()).toList();
        List<Pool> defaults = ofFamily.stream().filter(Pool::isDefault).toList();
        if (!defaults.isEmpty()) {
            return new Candidates(defaults, null);
        }
        List<Pool> admitted = ofFamily.stream()
                .filter(p -> p.admits(request.service().namespace(), request.namespaceLabels()))
                .sorted(Comparator.comparingInt(Pool::priority).thenComparing(Pool::name))
                .toList();
        if (admitted.isEmpty()) {
            return new Candidates(List.of(), new AllocationError(Reason.NO_POOL_FOR_NAMESPACE,
                    "no enabled " + family + " Eip admits namespace " + request.service().namespace()
                            + ": name one with annotation eip.openelb.kubesphere.io/v1alpha2, mark one with "
                            + "eip.openelb.kubesphere.io/is-default-eip, or list the namespace in an Eip"));
        }
        return new Candidates(admitted, null);
    }

    private static Candidates named(Pool pool, AllocationRequest request, IpFamily family) {
        if (pool == null) {
            return new Candidates(List.of(), new AllocationError(Reason.UNKNOWN_POOL,
                    "Eip " + request.pool() + " does not exist or is invalid"));
        }
        if (pool.family() != family) {
            return new Candidates(List.of(), new AllocationError(Reason.FAMILY_UNAVAILABLE,
                    "Eip " + pool.name() + " is " + pool.family() + ", the Service wants " + family));
        }
        if (pool.disabled()) {
            return new Candidates(List.of(), new AllocationError(Reason.POOL_DISABLED,
                    "Eip " + pool.name() + " is disabled"));
        }
        return new Candidates(List.of(pool), null);
    }
}
