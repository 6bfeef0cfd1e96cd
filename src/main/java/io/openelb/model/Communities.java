package io.openelb.model;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of BGP communities: standard ones (RFC 1997) as their unsigned 32-bit value, large ones (RFC 8092)
 * as three unsigned 32-bit numbers. Parses the texts users write and prints them back. Immutable.
 *
 * <p>Texts: {@code 65000:100} (standard, two 16-bit halves), {@code large:1:2:3} or {@code 1:2:3} (large), a
 * well-known name ({@link #WELL_KNOWN}), or an alias from BgpConf {@code default}'s {@code spec.communityAliases}.
 */
public record Communities(SortedSet<Long> standard, SortedSet<Large> large) {
    /** No community. */
    public static final Communities NONE = new Communities(new TreeSet<>(), new TreeSet<>());

    /** Well-known communities by the name FRR and BIRD print, with their values (IANA registry). */
    public static final Map<String, Long> WELL_KNOWN = wellKnown();

    private static final long MAX_32 = 0xFFFF_FFFFL;
    private static final Pattern STANDARD = Pattern.compile("([0-9]{1,5}):([0-9]{1,5})");
    private static final Pattern LARGE = Pattern.compile("(?:large:)?([0-9]{1,10}):([0-9]{1,10}):([0-9]{1,10})");

    /** A large community (RFC 8092): global administrator, then two local data parts. */
    public record Large(long global, long local1, long local2) implements Comparable<Large> {
        private static final Comparator<Large> ORDER = Comparator.comparingLong(Large::global)
                .thenComparingLong(Large::local1).thenComparingLong(Large::local2);

        public Large {
            if (outside32(global) || outside32(local1) || outside32(local2)) {
                throw new IllegalArgumentException("each part of a large community is 0 to " + MAX_32);
            }
        }

        @Override
        public int compareTo(Large other) {
            return ORDER.compare(this, other);
        }

        @Override
        public String toString() {
            return "large:" + global + ":" + local1 + ":" + local2;
        }
    }

    public Communities {
        standard = Collections.unmodifiableSortedSet(new TreeSet<>(standard));
        large = Collections.unmodifiableSortedSet(new TreeSet<>(large));
        if (standard.stream().anyMatch(Communities::outside32)) {
            throw new IllegalArgumentException("a standard community is 0 to " + MAX_32);
        }
    }

    /**
     * Parses one community text.
     *
     * @param aliases names defined in BgpConf {@code default}; a name there cannot shadow a well-known one
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static Communities parse(String text, Map<String, Communities> aliases) {
        String s = text == null ? "" : text.trim();
        Long wellKnown = WELL_KNOWN.get(s);
        if (wellKnown != null) {
            return ofStandard(wellKnown);
        }
        Communities alias = aliases.get(s);
        if (alias != null) {
            return alias;
        }
        return parseValue(s);
    }

    /** Parses a community written as numbers or a well-known name, not an alias: what an alias may stand for. */
    public static Communities parseValue(String text) {
        String s = text == null ? "" : text.trim();
        Long wellKnown = WELL_KNOWN.get(s);
        if (wellKnown != null) {
            return ofStandard(wellKnown);
        }
        Matcher standard = STANDARD.matcher(s);
        if (standard.matches()) {
            long high = Long.parseLong(standard.group(1));
            long low = Long.parseLong(standard.group(2));
            if (high > 0xFFFF || low > 0xFFFF) {
                throw new IllegalArgumentException("'" + s + "': each half of a standard community is 0 to 65535"
                        + " (write a large community as large:a:b:c)");
            }
            return ofStandard(high << 16 | low);
        }
        Matcher large = LARGE.matcher(s);
        if (large.matches()) {
            long[] parts = {Long.parseLong(large.group(1)), Long.parseLong(large.group(2)),
                Long.parseLong(large.group(3))};
            for (long part : parts) {
                if (outside32(part)) {
                    throw new IllegalArgumentException("'" + s + "': each part of a large community is 0 to " + MAX_32);
                }
            }
            return new Communities(new TreeSet<>(), new TreeSet<>(List.of(
                    new Large(parts[0], parts[1], parts[2]))));
        }
        throw new IllegalArgumentException("'" + s + "' is not a community: write 65000:100, large:1:2:3 (or 1:2:3),"
                + " a well-known name (" + String.join(", ", WELL_KNOWN.keySet()) + ") or an alias of BgpConf"
                + " default's spec.communityAliases");
    }

    /** One standard community. */
    public static Communities ofStandard(long value) {
        return new Communities(new TreeSet<>(List.of(value)), new TreeSet<>());
    }

    /** Both sets together. */
    public Communities union(Communities other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        SortedSet<Long> s = new TreeSet<>(standard);
        s.addAll(other.standard);
        SortedSet<Large> l = new TreeSet<>(large);
        l.addAll(other.large);
        return new Communities(s, l);
    }

    public boolean isEmpty() {
        return standard.isEmpty() && large.isEmpty();
    }

    /** A standard community as users write it: its well-known name, or {@code high:low}. */
    public static String format(long standard) {
        for (Map.Entry<String, Long> e : WELL_KNOWN.entrySet()) {
            if (e.getValue() == standard) {
                return e.getKey();
            }
        }
        return (standard >>> 16) + ":" + (standard & 0xFFFF);
    }

    /** Every community, standard first, each as {@link #format(long)} or {@link Large#toString()} prints it. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        standard.forEach(c -> out.append(out.length() == 0 ? "" : ",").append(format(c)));
        large.forEach(c -> out.append(out.length() == 0 ? "" : ",").append(c));
        return out.toString();
    }

    private static boolean outside32(long value) {
        return value < 0 || value > MAX_32;
    }

    private static Map<String, Long> wellKnown() {
        Map<String, Long> names = new LinkedHashMap<>();
        names.put("no-export", 0xFFFF_FF01L);           // RFC 1997
        names.put("no-advertise", 0xFFFF_FF02L);        // RFC 1997
        names.put("no-export-subconfed", 0xFFFF_FF03L); // RFC 1997, NO_EXPORT_SUBCONFED
        names.put("local-as", 0xFFFF_FF03L);            // FRR's name for the same value
        names.put("no-peer", 0xFFFF_FF04L);             // RFC 3765
        names.put("blackhole", 0xFFFF_029AL);           // RFC 7999
        names.put("graceful-shutdown", 0xFFFF_0000L);   // RFC 8326
        names.put("accept-own", 0xFFFF_0001L);          // RFC 7611
        return Collections.unmodifiableMap(names);
    }
}
