package io.openelb.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteOverrideTest {
    private static final CommunityAliases ALIASES = CommunityAliases.of(List.of(
            new CommunityAliases.Alias("customer", "large:65000:7:8")));

    private static ServiceModel service(String name, Map<String, String> annotations, String... ingress) {
        return new ServiceModel("default", name, "uid-" + name, "1", "", false, true, null, annotations, null,
                List.of(IpFamily.IPV4), "", List.of(), false,
                java.util.Arrays.stream(ingress).map(IpAddress::parse).toList(), true, null);
    }

    @Test
    void annotationsAreCommunitiesLocalPrefAndMed() {
        RouteOverride.Parsed parsed = RouteOverride.of(Map.of(
                RouteOverride.COMMUNITIES, "65000:1, no-export,customer",
                RouteOverride.LOCAL_PREF, "300",
                RouteOverride.MED, " 5 "), ALIASES);

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.override().communities().standard()).containsExactly(65000L << 16 | 1, 0xFFFF_FF01L);
        assertThat(parsed.override().communities().large()).containsExactly(new Communities.Large(65000, 7, 8));
        assertThat(parsed.override().localPref()).isEqualTo(300L);
        assertThat(parsed.override().med()).isEqualTo(5L);
    }

    @Test
    void anAnnotationThatDoesNotParseIsIgnoredWholeAndReportedTheOthersApply() {
        RouteOverride.Parsed parsed = RouteOverride.of(Map.of(
                RouteOverride.COMMUNITIES, "65000:1,65536:1",
                RouteOverride.LOCAL_PREF, "high",
                RouteOverride.MED, "7"), ALIASES);

        assertThat(parsed.override()).isEqualTo(new RouteOverride(Communities.NONE, null, 7L));
        assertThat(parsed.errors()).containsExactly(
                "bgp.openelb.kubesphere.io/communities: '65536:1': each half of a standard community is 0 to 65535"
                        + " (write a large community as large:a:b:c); annotation ignored",
                "bgp.openelb.kubesphere.io/local-pref: 'high' is not a number from 0 to 4294967295; annotation ignored");
    }

    @Test
    void outOfRangeNumbersAreRefused() {
        RouteOverride.Parsed parsed = RouteOverride.of(Map.of(RouteOverride.LOCAL_PREF, "-1",
                RouteOverride.MED, "4294967296"), ALIASES);

        assertThat(parsed.override().isEmpty()).isTrue();
        assertThat(parsed.errors()).hasSize(2);
    }

    @Test
    void servicesSharingAnAddressMergeAndEachServiceReportsItsOwnErrors() {
        ServiceModel a = service("a", Map.of(RouteOverride.COMMUNITIES, "65000:1", RouteOverride.LOCAL_PREF, "100",
                RouteOverride.MED, "20"), "192.0.2.10");
        ServiceModel b = service("b", Map.of(RouteOverride.COMMUNITIES, "65000:2", RouteOverride.LOCAL_PREF, "200",
                RouteOverride.MED, "10"), "192.0.2.10", "192.0.2.11");
        ServiceModel bad = service("bad", Map.of(RouteOverride.MED, "x"), "192.0.2.12");
        ServiceModel plain = service("plain", Map.of(), "192.0.2.13");

        RouteOverride.ByAddress overrides = RouteOverride.byAddress(List.of(a, b, bad, plain), ALIASES);

        RouteOverride shared = overrides.byAddress().get(IpAddress.parse("192.0.2.10"));
        assertThat(shared.communities().standard()).containsExactly(65000L << 16 | 1, 65000L << 16 | 2);
        assertThat(shared.localPref()).as("highest").isEqualTo(200L);
        assertThat(shared.med()).as("lowest").isEqualTo(10L);
        assertThat(overrides.byAddress().get(IpAddress.parse("192.0.2.11")).localPref()).isEqualTo(200L);
        assertThat(overrides.byAddress()).doesNotContainKeys(IpAddress.parse("192.0.2.12"), IpAddress.parse("192.0.2.13"));
        assertThat(overrides.errors()).containsOnlyKeys("default/bad");
    }
}
