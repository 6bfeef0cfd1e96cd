package io.openelb.cluster;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.BgpAdvertisementSpec;
import io.openelb.api.v1alpha2.BgpAdvertisementStatus;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpConfSpec;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.CommunityAliases;
import io.openelb.model.LabelSelector;
import java.util.List;
import java.util.Objects;

/**
 * Copies BgpAdvertisement custom resources (with the {@code Valid} condition their status shows), and the
 * community aliases of a BgpConf, into the plain values the pure core validates ({@code BgpAdvertisementSet},
 * {@code CommunityAliases}). Pure; any thread.
 */
public final class BgpAdvertisements {
    private BgpAdvertisements() {}

    public static BgpAdvertisementObject of(BgpAdvertisement advertisement) {
        BgpAdvertisementSpec spec = advertisement.getSpec() == null ? new BgpAdvertisementSpec() : advertisement.getSpec();
        Long generation = advertisement.getMetadata().getGeneration();
        return new BgpAdvertisementObject(
                advertisement.getMetadata().getName(),
                generation == null ? 0 : generation,
                Objects.requireNonNullElse(spec.eips, List.of()),
                selector(spec.eipSelector),
                Objects.requireNonNullElse(spec.peers, List.of()),
                selector(spec.peerSelector),
                Objects.requireNonNullElse(spec.nodeSelectors, List.<io.fabric8.kubernetes.api.model.LabelSelector>of())
                        .stream().map(BgpAdvertisements::selector).filter(Objects::nonNull).toList(),
                Objects.requireNonNullElse(spec.communities, List.of()),
                spec.localPref,
                spec.med,
                spec.aggregationLength,
                spec.aggregationLengthV6,
                advertisement.getMetadata().getUid(),
                shownValid(advertisement.getStatus()));
    }

    /** The status condition {@code Valid} the object shows (the controller's last write); null when none. */
    private static BgpAdvertisementObject.ShownCondition shownValid(BgpAdvertisementStatus status) {
        if (status == null || status.conditions == null) {
            return null;
        }
        return status.conditions.stream()
                .filter(c -> c != null && "Valid".equals(c.getType()))
                .findFirst()
                .map(c -> new BgpAdvertisementObject.ShownCondition(c.getStatus(), c.getReason(), c.getMessage(),
                        c.getObservedGeneration() == null ? 0 : c.getObservedGeneration(), c.getLastTransitionTime()))
                .orElse(null);
    }

    /** The aliases of {@code spec.communityAliases}; none for a null BgpConf (no BgpConf {@code default}). */
    public static CommunityAliases aliases(BgpConf conf) {
        BgpConfSpec spec = conf == null ? null : conf.getSpec();
        if (spec == null || spec.communityAliases == null) {
            return CommunityAliases.NONE;
        }
        return CommunityAliases.of(spec.communityAliases.stream()
                .map(a -> a == null ? new CommunityAliases.Alias(null, null)
                        : new CommunityAliases.Alias(a.name, a.value))
                .toList());
    }

    /** A Kubernetes label selector as the pure core's; null stays null (absent). */
    public static LabelSelector selector(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        if (selector == null) {
            return null;
        }
        List<LabelSelector.Requirement> requirements = Objects.requireNonNullElse(selector.getMatchExpressions(),
                        List.<LabelSelectorRequirement>of()).stream()
                .map(r -> new LabelSelector.Requirement(Objects.requireNonNullElse(r.getKey(), ""),
                        Objects.requireNonNullElse(r.getOperator(), ""),
                        Objects.requireNonNullElse(r.getValues(), List.of())))
                .toList();
        return new LabelSelector(Objects.requireNonNullElse(selector.getMatchLabels(), java.util.Map.of()),
                requirements);
    }
}
