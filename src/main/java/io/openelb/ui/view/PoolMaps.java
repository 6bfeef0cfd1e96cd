package io.openelb.ui.view;

import io.openelb.model.AddressRange;
import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolUsage;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds the address map of a pool from its spec and the Services. Pure; called on whatever thread serves the
 * request.
 *
 * <p>The figures are the controller's: the address is parsed by {@link AddressRange#parse}, the addresses handed
 * out are {@link Pool#firstUsable()} to {@link Pool#lastUsable()} (an IPv4 CIDR of /30 or wider loses its network
 * and broadcast address unless the Eip allows them; a /31, /32, single IP, range or IPv6 pool loses none), and
 * size, used and free are {@link PoolUsage#of}, as in the Eip's status and the metrics: used counts every
 * distinct address of the range that a Service holds, whichever pool the Service names (a dual-stack Service's
 * label names one pool only).
 */
public final class PoolMaps {
    /** Pools up to this many addresses are drawn whole; larger ones list only what is not free. */
    public static final int MAX_CELLS = 1024;

    private PoolMaps() {}

    /**
     * The map of {@code eip}; Services of other pools are ignored. When the address does not parse: no family,
     * size 0, no cells, and {@code used} counts the distinct addresses of the Services naming the Eip (as the
     * controller's status of an invalid Eip does).
     */
    public static PoolMap of(EipInput eip, List<ServiceInput> services) {
        Optional<AddressRange> range = PoolSpecs.range(eip);
        Map<String, List<IpAddress>> holdings = PoolSpecs.holdings(eip, range, services);
        List<String> members = List.copyOf(holdings.keySet());
        if (range.isEmpty()) {
            long used = holdings.values().stream().flatMap(List::stream).distinct().count();
            return new PoolMap(eip.name(), null, BigInteger.ZERO, used, BigInteger.ZERO, true, List.of(), members);
        }
        Pool pool = PoolSpecs.mapPool(eip, range.get());
        Map<IpAddress, SortedSet<String>> held = inRange(range.get(), services, ServiceInput::addresses);
        PoolUsage usage = PoolUsage.of(pool, held);
        TreeMap<IpAddress, AddressCell> notFree =
                notFree(pool, held, inRange(range.get(), services, ServiceInput::requested));
        boolean complete = range.get().size().compareTo(BigInteger.valueOf(MAX_CELLS)) <= 0;
        List<AddressCell> cells = complete ? everyAddress(range.get(), notFree) : List.copyOf(notFree.values());
        return new PoolMap(eip.name(), PoolSpecs.familyName(pool.family()), usage.size(), usage.used(),
                usage.free(), complete, cells, members);
    }

    /** The addresses of the range that {@code field} lists, each with the Services listing it. */
    private static Map<IpAddress, SortedSet<String>> inRange(AddressRange range, List<ServiceInput> services,
            Function<ServiceInput, List<String>> field) {
        Map<IpAddress, SortedSet<String>> byAddress = new TreeMap<>();
        for (ServiceInput service : services) {
            for (IpAddress address : PoolSpecs.addresses(field.apply(service))) {
                if (range.contains(address)) {
                    byAddress.computeIfAbsent(address, a -> new TreeSet<>()).add(service.key());
                }
            }
        }
        return byAddress;
    }

    /**
     * The cells that are not free: held (used), never handed out (reserved), asked for by nobody holding it
     * (requested). Never walks the range, so a /64 costs what its Services hold.
     */
    private static TreeMap<IpAddress, AddressCell> notFree(Pool pool, Map<IpAddress, SortedSet<String>> held,
            Map<IpAddress, SortedSet<String>> requested) {
        TreeMap<IpAddress, AddressCell> cells = new TreeMap<>();
        requested.forEach((address, askers) -> cells.put(address, cell(address, AddressCell.State.REQUESTED, askers)));
        for (IpAddress end : List.of(pool.range().first(), pool.range().last())) {
            if (!pool.usable(end)) { // the allocator never hands it out, even when asked: it says why instead
                cells.put(end, cell(end, AddressCell.State.RESERVED, requested.getOrDefault(end, new TreeSet<>())));
            }
        }
        held.forEach((address, holders) -> cells.put(address, cell(address, AddressCell.State.USED, holders)));
        return cells;
    }

    /** Every address of a range of at most {@link #MAX_CELLS}, the free ones between the others. */
    private static List<AddressCell> everyAddress(AddressRange range, TreeMap<IpAddress, AddressCell> notFree) {
        int size = range.size().intValueExact();
        List<AddressCell> cells = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            IpAddress address = range.first().plus(i);
            AddressCell known = notFree.get(address);
            cells.add(known != null ? known : cell(address, AddressCell.State.FREE, new TreeSet<>()));
        }
        return cells;
    }

    private static AddressCell cell(IpAddress address, AddressCell.State state, SortedSet<String> services) {
        return new AddressCell(address.toString(), state, List.copyOf(services));
    }
}
