package io.openelb.ipam;

import io.openelb.model.IpAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which addresses are held, by whom, and the runs of consecutive held addresses, so that the first
 * free address of a pool is found in O(log n) whatever the pool's size or fill.
 */
final class AddressIndex {
    private final TreeMap<IpAddress, List<Allocation>> holders = new TreeMap<>();
    /** Maximal runs of held addresses: first -> last, inclusive; runs never touch. */
    private final TreeMap<IpAddress, IpAddress> runs = new TreeMap<>();

    List<Allocation> holders(IpAddress address) {
        return holders.getOrDefault(address, List.of());
    }

    void add(Allocation allocation) {
        IpAddress address = allocation.address();
        List<Allocation> list = holders.computeIfAbsent(address, a -> new ArrayList<>());
        list.add(allocation);
        if (list.size() == 1) {
            addToRuns(address);
        }
    }

    void remove(Allocation allocation) {
        IpAddress address = allocation.address();
        List<Allocation> list = holders.get(address);
        if (list == null || !list.remove(allocation)) {
            return;
        }
        if (list.isEmpty()) {
            holders.remove(address);
            removeFromRuns(address);
        }
    }

    /** The lowest address in {@code from..to} that nobody holds. */
    Optional<IpAddress> firstFree(IpAddress from, IpAddress to) {
        IpAddress candidate = from;
        Map.Entry<IpAddress, IpAddress> run = runs.floorEntry(candidate);
        if (run != null && run.getValue().compareTo(candidate) >= 0) {
            candidate = next(run.getValue());
        }
        return candidate != null && candidate.compareTo(to) <= 0 ? Optional.of(candidate) : Optional.empty();
    }

    /** Every allocation of an address in {@code from..to}. */
    List<Allocation> allocationsIn(IpAddress from, IpAddress to) {
        List<Allocation> all = new ArrayList<>();
        holders.subMap(from, true, to, true).values().forEach(all::addAll);
        return all;
    }

    private void addToRuns(IpAddress address) {
        IpAddress first = address;
        IpAddress last = address;
        IpAddress before = previous(address);
        if (before != null) {
            Map.Entry<IpAddress, IpAddress> left = runs.floorEntry(before);
            if (left != null && left.getValue().equals(before)) {
                first = left.getKey();
            }
        }
        IpAddress after = next(address);
        if (after != null && runs.containsKey(after)) {
            last = runs.remove(after);
        }
        runs.put(first, last);
    }

    private void removeFromRuns(IpAddress address) {
        Map.Entry<IpAddress, IpAddress> run = runs.floorEntry(address);
        IpAddress first = run.getKey();
        IpAddress last = run.getValue();
        runs.remove(first);
        if (first.compareTo(address) < 0) {
            runs.put(first, previous(address));
        }
        if (last.compareTo(address) > 0) {
            runs.put(next(address), last);
        }
    }

    /** The next address of the same family, or null after the family's last address. */
    private static IpAddress next(IpAddress a) {
        BigInteger v = a.value().add(BigInteger.ONE);
        return v.bitLength() > a.family().bits() ? null : new IpAddress(a.family(), v);
    }

    private static IpAddress previous(IpAddress a) {
        return a.value().signum() == 0 ? null : new IpAddress(a.family(), a.value().subtract(BigInteger.ONE));
    }
}
