package io.openelb.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BgpAdvertisementSetTest {
    private static final CommunityAliases ALIASES = CommunityAliases.of(List.of(
            new CommunityAliases.Alias("transit", "65000:300")));

    static BgpAdvertisementObject advertisement(String name, long generation, List<String> communities) {
        return new BgpAdvertisementObject(name, generation, List.of("pool-a"), null, List.of(), null, List.of(),
                communities, null, null, null, null);
    }

    @Test
    void validObjectIsInEffectWithItsCommunitiesResolved() {
        BgpAdvertisementSet set = BgpAdvertisementSet.of(List.of(advertisement("a", 1, List.of("transit", "1:2:3"))),
                ALIASES);

        assertThat(set.anyInEffect()).isTrue();
        BgpAdvertisementDefinition a = set.effective().get("a");
        assertThat(a.communities().standard()).containsExactly(65000L << 16 | 300);
        assertThat(a.communities().large()).containsExactly(new Communities.Large(1, 2, 3));
        assertThat(a.aggregationLength()).isEqualTo(32);
        assertThat(a.aggregationLengthV6()).isEqualTo(128);
        assertThat(set.reports().get("a")).isEqualTo(new BgpAdvertisementSet.Report(true, 1, 1, "in effect"));
        assertThat(set.reports().get("a").reason()).isEqualTo("Valid");
    }

    @Test
    void everyProblemIsReportedWithItsField() {
        BgpAdvertisementObject bad = new BgpAdvertisementObject("bad", 3, List.of("pool-a", " "), null,
                List.of(), new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement("role", "In", List.of()))),
                List.of(new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement("rack", "Near", List.of())))),
                List.of("65000:1", "unknown-alias"), -1L, 4294967296L, 33, 129);

        BgpAdvertisementSet set = BgpAdvertisementSet.of(List.of(bad), ALIASES);

        assertThat(set.effective()).isEmpty();
        assertThat(set.anyInEffect()).as("an object that never was valid is as if absent").isFalse();
        BgpAdvertisementSet.Report report = set.reports().get("bad");
        assertThat(report.valid()).isFalse();
        assertThat(report.reason()).isEqualTo("InvalidSpec");
        assertThat(report.message().split("; ")).containsExactly(
                "spec.eips[1]: must be a name",
                "spec.peerSelector.matchExpressions[0].values: must be non-empty for operator In",
                "spec.nodeSelectors[0].matchExpressions[0].operator: 'Near' is not In, NotIn, Exists or DoesNotExist",
                "spec.communities[1]: 'unknown-alias' is not a community: write 65000:100, large:1:2:3 (or 1:2:3),"
                        + " a well-known name (no-export, no-advertise, no-export-subconfed, local-as, no-peer,"
                        + " blackhole, graceful-shutdown, accept-own) or an alias of BgpConf default's"
                        + " spec.communityAliases",
                "spec.localPref: -1 is not in 0 to 4294967295",
                "spec.med: 4294967296 is not in 0 to 4294967295",
                "spec.aggregationLength: 33 is not in 0 to 32",
                "spec.aggregationLengthV6: 129 is not in 0 to 128",
                "not applied");
    }

    @Test
    void anInvalidEditKeepsTheLastValidVersionInEffectAndSaysSo() {
        BgpAdvertisementSet first = BgpAdvertisementSet.of(List.of(advertisement("a", 1, List.of("65000:1")),
                advertisement("b", 1, List.of("65000:2"))), ALIASES);

        BgpAdvertisementSet edited = first.next(List.of(advertisement("a", 2, List.of("65000:99999")),
                advertisement("b", 1, List.of("65000:2"))), ALIASES);

        assertThat(edited.effective().get("a")).isSameAs(first.effective().get("a"));
        assertThat(edited.effective().get("b")).isEqualTo(first.effective().get("b"));
        BgpAdvertisementSet.Report report = edited.reports().get("a");
        assertThat(report.valid()).isFalse();
        assertThat(report.generation()).isEqualTo(2);
        assertThat(report.inEffect()).isEqualTo(1);
        assertThat(report.reason()).isEqualTo("InvalidSpecLastValidInEffect");
        assertThat(report.message()).startsWith("spec.communities[0]: '65000:99999'")
                .endsWith("; the last valid version (generation 1) stays in effect");

        BgpAdvertisementSet fixed = edited.next(List.of(advertisement("a", 3, List.of("65000:3"))), ALIASES);
        assertThat(fixed.effective().get("a").communities().standard()).containsExactly(65000L << 16 | 3);
        assertThat(fixed.effective()).as("deleted b goes").doesNotContainKey("b");
        assertThat(fixed.reports().get("a").reason()).isEqualTo("Valid");
    }

    @Test
    void anAliasRemovedFromBgpConfKeepsTheAdvertisementThatUsesItInEffect() {
        List<BgpAdvertisementObject> objects = List.of(advertisement("a", 1, List.of("transit")));
        BgpAdvertisementSet before = BgpAdvertisementSet.of(objects, ALIASES);

        BgpAdvertisementSet after = before.next(objects, CommunityAliases.NONE);

        assertThat(after.effective().get("a").communities().standard()).containsExactly(65000L << 16 | 300);
        assertThat(after.reports().get("a").reason()).isEqualTo("InvalidSpecLastValidInEffect");
        assertThat(after.reports().get("a").message()).contains("'transit' is not a community");
    }

    @Test
    void anAggregationLengthIsKeptAndTheConditionSaysWhichPrefixesAreAnnounced() {
        BgpAdvertisementObject aggregated = new BgpAdvertisementObject("agg", 1, List.of(), null, List.of(), null,
                List.of(), List.of(), null, null, 24, 64);

        BgpAdvertisementSet set = BgpAdvertisementSet.of(List.of(aggregated), ALIASES);

        assertThat(set.effective().get("agg").aggregationLength()).isEqualTo(24);
        assertThat(set.effective().get("agg").aggregationLengthV6()).isEqualTo(64);
        assertThat(set.reports().get("agg").valid()).isTrue();
        assertThat(set.reports().get("agg").message())
                .isEqualTo("in effect; addresses announced under their covering /24 (IPv4) and /64 (IPv6)");
    }

    @Test
    void selectionByNameAndSelectorIsAUnionAndNeitherSelectsEverything() {
        BgpAdvertisementObject both = new BgpAdvertisementObject("x", 1, List.of("pool-a"),
                new LabelSelector(Map.of("scope", "internal"), List.of()), List.of(), null,
                List.of(new LabelSelector(Map.of("rack", "a"), List.of()), new LabelSelector(Map.of("rack", "b"),
                        List.of())), List.of(), null, null, null, null);
        BgpAdvertisementDefinition d = BgpAdvertisementSet.of(List.of(both), ALIASES).effective().get("x");

        assertThat(d.selectsEip("pool-a", Map.of())).isTrue();
        assertThat(d.selectsEip("pool-b", Map.of("scope", "internal"))).isTrue();
        assertThat(d.selectsEip("pool-c", Map.of("scope", "public"))).isFalse();
        assertThat(d.selectsPeer("any-peer", Map.of())).as("no peers and no peerSelector: every peer").isTrue();
        assertThat(d.selectsNode(Map.of("rack", "b"))).as("any node selector is enough").isTrue();
        assertThat(d.selectsNode(Map.of("rack", "c"))).isFalse();
    }
}
