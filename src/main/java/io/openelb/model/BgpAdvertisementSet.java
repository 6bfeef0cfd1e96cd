package io.openelb.model;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BgpAdvertisements in effect, and what each object's status condition {@code Valid} says. Immutable;
 * the caller keeps the last set and passes it to {@link #next} with the objects of each new snapshot.
 *
 * <p>An invalid object is never applied as written. While it is invalid, its last valid version (the one in
 * effect in {@code previous}) stays in effect, and its condition says so; an object that never was valid is
 * ignored, as if absent. So a bad edit withdraws nothing, and neither does a BgpConf edit that removes an
 * alias an advertisement uses. A process that starts while an object is invalid has no last valid version
 * of it and ignores it.
 *
 * @param effective the definitions to apply, by object name
 * @param reports   one report per object, by name
 */
public record BgpAdvertisementSet(Map<String, BgpAdvertisementDefinition> effective, Map<String, Report> reports) {
    /** No BgpAdvertisement: every address goes to every peer, as in OpenELB. */
    public static final BgpAdvertisementSet NONE = new BgpAdvertisementSet(Map.of(), Map.of());

    /**
     * The {@code Valid} condition of one object.
     *
     * @param generation the object's {@code metadata.generation} the report is about
     * @param inEffect   the generation in effect: {@code generation} when valid, an older one when the last
     *                   valid version stays in effect, 0 when none is
     * @param message    "in effect", or every problem with its field
     */
    public record Report(boolean valid, long generation, long inEffect, String message) {
        /** The condition's reason: {@code Valid}, {@code InvalidSpecLastValidInEffect} or {@code InvalidSpec}. */
        public String reason() {
            if (valid) {
                return "Valid";
            }
            return inEffect > 0 ? "InvalidSpecLastValidInEffect" : "InvalidSpec";
        }
    }

    public BgpAdvertisementSet {
        effective = Map.copyOf(effective);
        reports = Map.copyOf(reports);
    }

    /** The objects checked with nothing in effect before: an invalid one is ignored. */
    public static BgpAdvertisementSet of(Collection<BgpAdvertisementObject> objects, CommunityAliases aliases) {
        return NONE.next(objects, aliases);
    }

    /**
     * The objects of a new snapshot checked against this set: valid objects take effect as written, an invalid
     * one keeps its version of this set in effect, a deleted one goes.
     */
    public BgpAdvertisementSet next(Collection<BgpAdvertisementObject> objects, CommunityAliases aliases) {
        Map<String, BgpAdvertisementDefinition> nextEffective = new LinkedHashMap<>();
        Map<String, Report> nextReports = new LinkedHashMap<>();
        List<BgpAdvertisementObject> byName = objects.stream()
                .sorted(Comparator.comparing(BgpAdvertisementObject::name)).toList();
        for (BgpAdvertisementObject object : byName) {
            BgpAdvertisementDefinition.Checked checked = BgpAdvertisementDefinition.check(object, aliases);
            if (checked.definition() != null) {
                nextEffective.put(object.name(), checked.definition());
                nextReports.put(object.name(), new Report(true, object.generation(), object.generation(),
                        validMessage(checked.definition())));
                continue;
            }
            String problems = String.join("; ", checked.errors());
            BgpAdvertisementDefinition last = effective.get(object.name());
            if (last != null) {
                nextEffective.put(object.name(), last);
                nextReports.put(object.name(), new Report(false, object.generation(), last.generation(),
                        problems + "; the last valid version (generation " + last.generation() + ") stays in effect"));
            } else {
                nextReports.put(object.name(), new Report(false, object.generation(), 0,
                        problems + "; not applied"));
            }
        }
        return new BgpAdvertisementSet(nextEffective, nextReports);
    }

    /** Whether any advertisement is in effect; when none is, every address goes to every peer. */
    public boolean anyInEffect() {
        return !effective.isEmpty();
    }

    private static String validMessage(BgpAdvertisementDefinition definition) {
        if (!definition.asksForAggregation()) {
            return "in effect";
        }
        return "in effect; addresses announced under their covering /" + definition.aggregationLength()
                + " (IPv4) and /" + definition.aggregationLengthV6() + " (IPv6)";
    }
}
