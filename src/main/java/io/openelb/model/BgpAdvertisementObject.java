package io.openelb.model;

import java.util.List;

/**
 * A BgpAdvertisement as written by the user, before validation: plain values copied from the custom
 * resource. Absent fields are null (selectors, numbers) or empty (lists).
 *
 * @param generation {@code metadata.generation}, for the status condition's {@code observedGeneration}
 * @param uid        {@code metadata.uid}, for the Events about the object; null when unknown
 * @param shownValid the status condition {@code Valid} as watched (the controller wrote it); null when none
 */
public record BgpAdvertisementObject(
        String name,
        long generation,
        List<String> eips,
        LabelSelector eipSelector,
        List<String> peers,
        LabelSelector peerSelector,
        List<LabelSelector> nodeSelectors,
        List<String> communities,
        Long localPref,
        Long med,
        Integer aggregationLength,
        Integer aggregationLengthV6,
        String uid,
        ShownCondition shownValid) {

    /**
     * A status condition as the object shows it, in plain values.
     *
     * @param status             "True", "False" or "Unknown"
     * @param observedGeneration 0 when absent
     */
    public record ShownCondition(String status, String reason, String message, long observedGeneration,
            String lastTransitionTime) {}

    /** An object as written, without uid and status (not created yet, or in tests). */
    public BgpAdvertisementObject(String name, long generation, List<String> eips, LabelSelector eipSelector,
            List<String> peers, LabelSelector peerSelector, List<LabelSelector> nodeSelectors, List<String> communities,
            Long localPref, Long med, Integer aggregationLength, Integer aggregationLengthV6) {
        this(name, generation, eips, eipSelector, peers, peerSelector, nodeSelectors, communities, localPref, med,
                aggregationLength, aggregationLengthV6, null, null);
    }

    public BgpAdvertisementObject {
        eips = List.copyOf(eips);
        peers = List.copyOf(peers);
        nodeSelectors = List.copyOf(nodeSelectors);
        communities = List.copyOf(communities);
    }
}
