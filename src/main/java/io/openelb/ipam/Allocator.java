package io.openelb.ipam;

import io.openelb.ipam.AllocationError.Reason;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.Pool;
import io.openelb.model.PoolUsage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Hands out pool addresses to Services and remembers who holds what. Pure and single-threaded: the
 * controller's verticle owns one instance and calls it from its event loop.
 *
 * <p>Never moves an address: once a Service holds one it keeps it until it asks for another (a new
 * requested IP, another pool or family) or is released, whatever happens to the pools (disabled,
 * resized, deleted). At start the allocator is {@link #restore restored} from {@code Service.status},
 * the source of truth.
 */
public final class Allocator {
    private final Map<String, Pool> pools = new TreeMap<>();
    private final Map<ServiceKey, List<Allocation>> byService = new HashMap<>();
    private final AddressIndex index = new AddressIndex();

    public Allocator(Collection<Pool> pools) {
        setPools(pools);
    }

    /** Replaces the pool definitions. Allocations stay as they are, in a pool or not. */
    public void setPools(Collection<Pool> newPools) {
        pools.clear();
        newPools.forEach(p -> pools.put(p.name(), p));
    }

    /**
     * Records addresses a Service already holds according to its status (written by us or by OpenELB),
     * without checking which pools it may use: the status is the truth.
     *
     * @param namedPool the pool the Service names ("" for none): recorded for an address that no pool contains
     *                  any more (its pool shrank or went), so that a restart keeps it as the running allocator
     *                  would, instead of moving it for not being "in the named pool"
     * @return the addresses that could not be recorded because another Service holds them and sharing
     *         is not allowed (the first Service restored keeps the address)
     */
    public List<AllocationError> restore(ServiceKey service, List<IpAddress> addresses, Collection<ServicePort> ports,
            String sharingKey, String namedPool) {
        List<AllocationError> conflicts = new ArrayList<>();
        for (IpAddress address : addresses) {
            if (allocationsOf(service).stream().anyMatch(a -> a.address().equals(address))) {
                continue;
            }
            Optional<AllocationError> conflict = sharingConflict(service, address, Set.copyOf(ports), sharingKey);
            if (conflict.isPresent()) {
                conflicts.add(conflict.get());
                continue;
            }
            String pool = poolContaining(address).map(Pool::name).orElse(namedPool);
            hold(new Allocation(service, address, pool, Set.copyOf(ports), sharingKey));
        }
        return conflicts;
    }

    /** What {@link #adopt} did: the conflicts that stopped it, or the Services it took addresses from. */
    public record Adoption(List<AllocationError> conflicts, Set<ServiceKey> displaced) {
        public Adoption {
            conflicts = List.copyOf(conflicts);
            displaced = Set.copyOf(displaced);
        }
    }

    /**
     * The Service's status says it holds {@code addresses}: when this allocator records others for it
     * (a decision made on a stale view, or another writer's), the status wins, as at a restart. Another
     * Service that holds one of them (and may not share it) gives up everything it holds when
     * {@code yields} says so (its claim is weaker: say, a decision its status does not show), and is
     * returned as displaced; when one does not yield, nothing changes and the conflicts are returned.
     *
     * @param namedPool as for {@link #restore}
     * @return no conflicts when the allocator now records exactly these addresses for it
     */
    public Adoption adopt(ServiceKey service, List<IpAddress> addresses, Collection<ServicePort> ports,
            String sharingKey, String namedPool, Predicate<Allocation> yields) {
        List<Allocation> before = allocationsOf(service);
        if (before.stream().map(Allocation::address).collect(Collectors.toSet()).equals(Set.copyOf(addresses))) {
            return new Adoption(List.of(), Set.of());
        }
        Set<ServiceKey> displaced = new LinkedHashSet<>();
        for (IpAddress address : addresses) {
            List<Allocation> blocking = blockers(service, address, Set.copyOf(ports), sharingKey);
            if (!blocking.stream().allMatch(yields)) {
                return new Adoption(List.of(sharingConflict(service, address, Set.copyOf(ports), sharingKey)
                        .orElseThrow()), Set.of());
            }
            blocking.forEach(a -> displaced.add(a.service()));
        }
        displaced.forEach(this::release);
        release(service);
        List<AllocationError> conflicts = restore(service, addresses, ports, sharingKey, namedPool);
        if (!conflicts.isEmpty()) { // addresses that cannot share among themselves: keep what it had
            release(service);
            before.forEach(this::hold);
        }
        return new Adoption(conflicts, displaced);
    }

    /**
     * Gives the Service the addresses its request asks for, keeping every address it already holds that
     * still fits the request. All or nothing: on failure nothing changes.
     */
    public AllocationResult assign(AllocationRequest request) {
        Optional<AllocationError> invalid = request.problem();
        if (invalid.isPresent()) {
            return new AllocationResult.Failed(invalid.get());
        }
        List<IpFamily> wanted = request.familiesWanted();
        Map<IpFamily, IpAddress> requested = request.requestedByFamily();
        Picks kept = keptAllocations(request, wanted, requested);
        if (kept.error() != null) {
            return new AllocationResult.Failed(kept.error());
        }
        Picks added = pickMissingFamilies(request, wanted, requested, kept.allocations());
        boolean holdsNothing = kept.allocations().isEmpty() && added.allocations().isEmpty();
        // Prefer-dual-stack settles for the families it got; every other policy needs them all.
        if (added.error() != null && (request.policy() != FamilyPolicy.PREFER_DUAL_STACK || holdsNothing)) {
            return new AllocationResult.Failed(added.error());
        }
        return new AllocationResult.Assigned(
                replaceAllocations(request.service(), kept.allocations(), added.allocations(), wanted));
    }

    /** Frees every address of the Service; returns what it held. */
    public List<Allocation> release(ServiceKey service) {
        List<Allocation> held = byService.remove(service);
        if (held == null) {
            return List.of();
        }
        held.forEach(index::remove);
        return held;
    }

    public List<Allocation> allocationsOf(ServiceKey service) {
        return List.copyOf(byService.getOrDefault(service, List.of()));
    }

    /** Every allocation of an address inside the pool's range, in address order. */
    public List<Allocation> allocationsIn(String pool) {
        Pool p = pools.get(pool);
        return p == null ? List.of() : index.allocationsIn(p.range().first(), p.range().last());
    }

    /** How full the pool is, as {@link PoolUsage} defines it for every place that tells. */
    public Optional<PoolUsage> usage(String pool) {
        Pool p = pools.get(pool);
        if (p == null) {
            return Optional.empty();
        }
        Map<IpAddress, List<ServiceKey>> holders = allocationsIn(pool).stream().collect(Collectors.groupingBy(
                Allocation::address, Collectors.mapping(Allocation::service, Collectors.toList())));
        return Optional.of(PoolUsage.of(p, holders));
    }

    /** Every allocation made from the pool of this name, wherever its address lies now. */
    public List<Allocation> allocationsRecordedFor(String pool) {
        return byService.values().stream().flatMap(List::stream).filter(a -> a.pool().equals(pool)).toList();
    }

    public Optional<Pool> poolContaining(IpAddress address) {
        return pools.values().stream().filter(p -> p.range().contains(address)).findFirst();
    }

    private void hold(Allocation allocation) {
        byService.computeIfAbsent(allocation.service(), s -> new ArrayList<>()).add(allocation);
        index.add(allocation);
    }

    /** Allocations picked for a request, and the first error met while picking (null if none). */
    private record Picks(List<Allocation> allocations, AllocationError error) {}

    /**
     * The addresses the Service holds that still fit the request, with the request's ports and sharing key; or
     * the sharing conflict that the new ports or key cause on one of them.
     */
    private Picks keptAllocations(AllocationRequest request, List<IpFamily> wanted,
            Map<IpFamily, IpAddress> requested) {
        List<Allocation> kept = new ArrayList<>();
        for (Allocation held : allocationsOf(request.service())) {
            if (stillFits(held, request, wanted, requested)) {
                Optional<AllocationError> conflict =
                        sharingConflict(request.service(), held.address(), request.ports(), request.sharingKey());
                if (conflict.isPresent()) {
                    return new Picks(List.of(), conflict.get());
                }
                kept.add(new Allocation(held.service(), held.address(), held.pool(), request.ports(),
                        request.sharingKey()));
            }
        }
        return new Picks(kept, null);
    }

    /** A new address for every wanted family that {@code kept} lacks: the requested one, else a free one. */
    private Picks pickMissingFamilies(AllocationRequest request, List<IpFamily> wanted,
            Map<IpFamily, IpAddress> requested, List<Allocation> kept) {
        List<Allocation> added = new ArrayList<>();
        AllocationError firstError = null;
        for (IpFamily family : wanted) {
            if (kept.stream().anyMatch(a -> a.address().family() == family)) {
                continue;
            }
            Result pick = requested.containsKey(family)
                    ? pickRequested(request, requested.get(family))
                    : pickFree(request, family);
            if (pick.error != null) {
                firstError = firstError == null ? pick.error : firstError;
            } else {
                added.add(pick.allocation);
            }
        }
        return new Picks(added, firstError);
    }

    /** Makes {@code kept} and {@code added} all the Service holds; returns them in the order of its families. */
    private List<Allocation> replaceAllocations(ServiceKey service, List<Allocation> kept, List<Allocation> added,
            List<IpFamily> wanted) {
        release(service);
        kept.forEach(this::hold);
        added.forEach(this::hold);
        List<Allocation> now = new ArrayList<>(allocationsOf(service));
        now.sort(Comparator.comparing(a -> wanted.indexOf(a.address().family())));
        return now;
    }

    /** A held address still fits if its family is wanted and it is the requested one and in the named pool. */
    private static boolean stillFits(Allocation held, AllocationRequest request, List<IpFamily> wanted,
            Map<IpFamily, IpAddress> requested) {
        IpFamily family = held.address().family();
        return wanted.contains(family)
                && (!requested.containsKey(family) || requested.get(family).equals(held.address()))
                && (request.pool().isEmpty() || request.pool().equals(held.pool()));
    }

    private record Result(Allocation allocation, AllocationError error) {}

    /**
     * The requested address from whichever enabled Eip contains it, as OpenELB's {@code getEIPBasedOnIP}:
     * an Eip's namespaces and namespace selector choose only the pool of Services that request no address.
     */
    private Result pickRequested(AllocationRequest request, IpAddress address) {
        if (!request.pool().isEmpty()) {
            PoolChoice.Candidates named = PoolChoice.candidates(pools, request, address.family());
            if (named.error() != null) {
                return new Result(null, named.error());
            }
        }
        Optional<Pool> containing = poolContaining(address);
        if (containing.isEmpty()) {
            return error(Reason.ADDRESS_OUTSIDE_POOLS, "requested address " + address + " is in no Eip");
        }
        Pool pool = containing.get();
        if (!request.pool().isEmpty() && !request.pool().equals(pool.name())) {
            return error(Reason.ADDRESS_OUTSIDE_POOLS,
                    "requested address " + address + " is in Eip " + pool.name() + ", not in Eip " + request.pool());
        }
        if (pool.disabled()) {
            return error(Reason.POOL_DISABLED, "Eip " + pool.name() + " is disabled");
        }
        if (!pool.usable(address)) {
            return error(Reason.ADDRESS_UNUSABLE, "requested address " + address
                    + " is the network or broadcast address of Eip " + pool.name());
        }
        Optional<AllocationError> conflict =
                sharingConflict(request.service(), address, request.ports(), request.sharingKey());
        if (conflict.isPresent()) {
            return new Result(null, conflict.get());
        }
        return new Result(new Allocation(request.service(), address, pool.name(), request.ports(),
                request.sharingKey()), null);
    }

    private Result pickFree(AllocationRequest request, IpFamily family) {
        PoolChoice.Candidates candidates = PoolChoice.candidates(pools, request, family);
        if (candidates.error() != null) {
            return new Result(null, candidates.error());
        }
        for (Pool pool : candidates.pools()) {
            Optional<IpAddress> free = index.firstFree(pool.firstUsable(), pool.lastUsable());
            if (free.isPresent()) {
                return new Result(new Allocation(request.service(), free.get(), pool.name(), request.ports(),
                        request.sharingKey()), null);
            }
        }
        return error(Reason.POOL_EXHAUSTED, "no free " + family + " address in Eip "
                + candidates.pools().stream().map(Pool::name).collect(Collectors.joining(", ")));
    }

    private Optional<AllocationError> sharingConflict(ServiceKey service, IpAddress address,
            Set<ServicePort> ports, String sharingKey) {
        List<Allocation> others = blockers(service, address, ports, sharingKey);
        if (others.isEmpty()) {
            return Optional.empty();
        }
        String holders = others.stream().map(a -> a.service().toString()).collect(Collectors.joining(", "));
        String why = sharingKey.isEmpty() || others.stream().anyMatch(a -> !a.sharingKey().equals(sharingKey))
                ? "(to share it, give every Service the same openelb.kubesphere.io/allow-shared-ip key)"
                : "(a port collides)";
        return Optional.of(new AllocationError(Reason.ADDRESS_IN_USE,
                "address " + address + " is held by " + holders + " " + why));
    }

    /** The other Services' allocations of the address that this Service may not share. */
    private List<Allocation> blockers(ServiceKey service, IpAddress address, Set<ServicePort> ports,
            String sharingKey) {
        return index.holders(address).stream()
                .filter(a -> !a.service().equals(service) && !a.canShareWith(ports, sharingKey))
                .toList();
    }

    private static Result error(Reason reason, String message) {
        return new Result(null, new AllocationError(reason, message));
    }
}
