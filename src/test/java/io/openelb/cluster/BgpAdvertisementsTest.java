package io.openelb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.BgpAdvertisementSpec;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpConfSpec;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.CommunityAliases;
import io.openelb.model.LabelSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BgpAdvertisementsTest {

    @Test
    void everyFieldIsCopiedAndAbsentListsAreEmpty() {
        BgpAdvertisement object = new BgpAdvertisement();
        object.setMetadata(new ObjectMetaBuilder().withName("a").withGeneration(4L).build());
        object.setSpec(new BgpAdvertisementSpec());
        object.getSpec().eips = List.of("pool-a");
        object.getSpec().peerSelector = new LabelSelectorBuilder().addToMatchLabels("role", "core")
                .addNewMatchExpression().withKey("rack").withOperator("Exists").endMatchExpression().build();
        object.getSpec().nodeSelectors = List.of(new LabelSelectorBuilder().addToMatchLabels("rack", "a").build());
        object.getSpec().communities = List.of("65000:1");
        object.getSpec().localPref = 200L;
        object.getSpec().aggregationLengthV6 = 64;

        BgpAdvertisementObject converted = BgpAdvertisements.of(object);

        assertThat(converted).isEqualTo(new BgpAdvertisementObject("a", 4, List.of("pool-a"), null, List.of(),
                new LabelSelector(Map.of("role", "core"),
                        List.of(new LabelSelector.Requirement("rack", "Exists", List.of()))),
                List.of(new LabelSelector(Map.of("rack", "a"), List.of())), List.of("65000:1"), 200L, null, null, 64));
    }

    @Test
    void anEmptySpecSelectsEverythingByBeingEmpty() {
        BgpAdvertisement object = new BgpAdvertisement();
        object.setMetadata(new ObjectMetaBuilder().withName("all").build());

        assertThat(BgpAdvertisements.of(object)).isEqualTo(new BgpAdvertisementObject("all", 0, List.of(), null,
                List.of(), null, List.of(), List.of(), null, null, null, null));
    }

    @Test
    void aliasesComeFromTheBgpConfAndAreNoneWithoutOne() {
        BgpConf conf = new BgpConf();
        conf.setSpec(new BgpConfSpec());
        BgpConfSpec.CommunityAlias alias = new BgpConfSpec.CommunityAlias();
        alias.name = "transit";
        alias.value = "65000:300";
        conf.getSpec().communityAliases = List.of(alias);

        assertThat(BgpAdvertisements.aliases(conf).parse("transit").standard()).containsExactly(65000L << 16 | 300);
        assertThat(BgpAdvertisements.aliases(null)).isEqualTo(CommunityAliases.NONE);
        assertThat(BgpAdvertisements.aliases(new BgpConf())).isEqualTo(CommunityAliases.NONE);
    }
}
