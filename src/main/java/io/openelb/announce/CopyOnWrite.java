package io.openelb.announce;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Immutable sets and maps changed by copying, for the indexes that hold one small collection per Service or
 * address: nearly always a single element (one Service holds an address, one slice serves a Service).
 * {@code Set.of(x)} is 24 bytes where a {@code HashSet} of one is about 180, and with thousands of Services
 * those indexes were a large part of a speaker's heap per Service. A change copies the few elements.
 * (pcollections' persistent sets, which the snapshot's maps use, cost about 100 bytes per element: a tree
 * node, a list cell and an entry in the speaker's class histograms.)
 */
public final class CopyOnWrite {
    private CopyOnWrite() {}

    /** {@code set} with {@code element}: {@code set} itself if it has it already. */
    public static <T> Set<T> plus(Set<T> set, T element) {
        if (set == null || set.isEmpty()) {
            return Set.of(element);
        }
        if (set.contains(element)) {
            return set;
        }
        List<T> all = new ArrayList<>(set);
        all.add(element);
        return Set.copyOf(all);
    }

    /** {@code set} without {@code element}; null when nothing is left (so that a map's compute drops it). */
    public static <T> Set<T> minus(Set<T> set, T element) {
        if (!set.contains(element)) {
            return set;
        }
        List<T> rest = new ArrayList<>(set);
        rest.remove(element);
        return rest.isEmpty() ? null : Set.copyOf(rest);
    }

    /** {@code map} with {@code key} mapped to {@code value}. */
    public static <K, V> Map<K, V> plus(Map<K, V> map, K key, V value) {
        if (map == null || map.isEmpty() || map.size() == 1 && map.containsKey(key)) {
            return Map.of(key, value);
        }
        Map<K, V> all = new HashMap<>(map);
        all.put(key, value);
        return Map.copyOf(all);
    }

    /** {@code map} without {@code key}; null when nothing is left (so that a map's compute drops it). */
    public static <K, V> Map<K, V> minus(Map<K, V> map, K key) {
        if (!map.containsKey(key)) {
            return map;
        }
        Map<K, V> rest = new HashMap<>(map);
        rest.remove(key);
        return rest.isEmpty() ? null : Map.copyOf(rest);
    }
}
