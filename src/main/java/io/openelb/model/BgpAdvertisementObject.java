package io.openelb.model;

import java.util.List;

/**
 * A BgpAdvertisement as written by the user, before validation: plain values copied from the custom
 * resource. Absent fields are null (selectors, numbers) or empty (lists).
 *
 * @param generation {@code metadata.generation}, for the status condition's {@code observedGeneration}
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
        Integer aggregationLengthV6) {

    public BgpAdvertisementObject {
        eips = List.copyOf(eips);
        peers = List.copyOf(peers);
        nodeSelectors = List.copyOf(nodeSelectors);
        communities = List.copyOf(communities);
    }
}
