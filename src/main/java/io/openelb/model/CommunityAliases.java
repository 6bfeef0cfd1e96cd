package io.openelb.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The community names of BgpConf {@code default}'s {@code spec.communityAliases}, checked: the usable ones
 * by name, and one message per unusable entry (with its field), ready for the BgpConf's status. An unusable
 * entry is left out alone; the others stay usable. Immutable.
 */
public record CommunityAliases(Map<String, Communities> byName, List<String> errors) {
    /** No alias. */
    public static final CommunityAliases NONE = new CommunityAliases(Map.of(), List.of());

    /** Lower case letters, digits and '-', starting with a letter: never mistaken for a number. */
    public static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

    /** One entry as written: a name for a community value. */
    public record Alias(String name, String value) {}

    public CommunityAliases {
        byName = Map.copyOf(byName);
        errors = List.copyOf(errors);
    }

    /** Checks the entries in order; of two entries with one name the first is kept. */
    public static CommunityAliases of(List<Alias> aliases) {
        Map<String, Communities> byName = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < aliases.size(); i++) {
            String field = "spec.communityAliases[" + i + "]";
            String name = aliases.get(i).name() == null ? "" : aliases.get(i).name().trim();
            if (!NAME.matcher(name).matches()) {
                errors.add(field + ".name: '" + name + "' is not a name (lower case letters, digits and '-',"
                        + " starting with a letter, at most 63)");
            } else if (Communities.WELL_KNOWN.containsKey(name)) {
                errors.add(field + ".name: '" + name + "' is a well-known community already");
            } else if (byName.containsKey(name)) {
                errors.add(field + ".name: '" + name + "' is defined twice; the first one is used");
            } else {
                try {
                    byName.put(name, Communities.parseValue(aliases.get(i).value()));
                } catch (IllegalArgumentException e) {
                    errors.add(field + ".value: " + e.getMessage());
                }
            }
        }
        return new CommunityAliases(byName, errors);
    }

    /**
     * Parses a community text with these aliases.
     *
     * @throws IllegalArgumentException naming the text
     */
    public Communities parse(String text) {
        return Communities.parse(text, byName);
    }
}
