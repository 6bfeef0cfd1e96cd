package io.openelb.ui.view;

import static io.openelb.ui.view.PoolMapsTest.holding;
import static io.openelb.ui.view.PoolMapsTest.requesting;
import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.ui.view.ChangePreview.Loss;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EipChangesTest {
    static final EipInput LAB = new EipInput("lab", "192.0.2.0/28", "bgp", "", false, 0, List.of("shop"), Map.of(),
            false, false, null);
    static final List<ServiceInput> TWO_HOLDERS = List.of(
            holding("shop/web", "lab", "192.0.2.1"), holding("shop/api", "lab", "192.0.2.9"));

    static EipInput withAddress(EipInput eip, String address) {
        return new EipInput(eip.name(), address, eip.protocol(), eip.iface(), eip.disabled(), eip.priority(),
                eip.namespaces(), eip.namespaceSelector(), eip.isDefault(), eip.allowNetworkAndBroadcast(),
                eip.invalid());
    }

    static EipInput disabled(EipInput eip) {
        return new EipInput(eip.name(), eip.address(), eip.protocol(), eip.iface(), true, eip.priority(),
                eip.namespaces(), eip.namespaceSelector(), eip.isDefault(), eip.allowNetworkAndBroadcast(),
                eip.invalid());
    }

    static EipInput withProtocol(EipInput eip, String protocol, String iface) {
        return new EipInput(eip.name(), eip.address(), protocol, iface, eip.disabled(), eip.priority(),
                eip.namespaces(), eip.namespaceSelector(), eip.isDefault(), eip.allowNetworkAndBroadcast(),
                eip.invalid());
    }

    @Test
    void shrinkingTheRangeKeepsTheServiceInsideAndTheOneOutsideLosesItsAnnouncement() {
        ChangePreview preview = EipChanges.ofEdit(LAB, withAddress(LAB, "192.0.2.0/29"), TWO_HOLDERS);

        assertThat(preview.keep()).containsExactly("shop/web");
        assertThat(preview.lose()).containsExactly(new Loss("shop/api",
                "192.0.2.9 is outside 192.0.2.0/29: no longer announced"));
        assertThat(preview.refused()).isNull();
    }

    @Test
    void growingTheRangeKeepsEveryone() {
        ChangePreview preview = EipChanges.ofEdit(LAB, withAddress(LAB, "192.0.2.0/24"), TWO_HOLDERS);

        assertThat(preview.keep()).containsExactly("shop/api", "shop/web");
        assertThat(preview.lose()).isEmpty();
    }

    @Test
    void disablingABgpOrLayer2PoolKeepsEveryAddressAnnounced() {
        assertThat(EipChanges.ofEdit(LAB, disabled(LAB), TWO_HOLDERS).keep()).containsExactly("shop/api", "shop/web");

        EipInput layer2 = withProtocol(LAB, "layer2", "eth0");
        ChangePreview preview = EipChanges.ofEdit(layer2, disabled(layer2), TWO_HOLDERS);
        assertThat(preview.keep()).containsExactly("shop/api", "shop/web");
        assertThat(preview.lose()).isEmpty();
    }

    @Test
    void disablingAVipPoolLeavesItsAddressesHeldByNoNode() {
        EipInput vip = withProtocol(LAB, "vip", "eth0");

        ChangePreview preview = EipChanges.ofEdit(vip, disabled(vip), List.of(TWO_HOLDERS.get(0)));

        assertThat(preview.keep()).isEmpty();
        assertThat(preview.lose()).containsExactly(
                new Loss("shop/web", "192.0.2.1: no node holds it while the vip Eip lab is disabled"));
    }

    @Test
    void reEnablingKeepsEveryone() {
        ChangePreview preview = EipChanges.ofEdit(disabled(LAB), LAB, TWO_HOLDERS);

        assertThat(preview.keep()).containsExactly("shop/api", "shop/web");
        assertThat(preview.lose()).isEmpty();
    }

    @Test
    void aNamespaceNoLongerAdmittedKeepsItsAddressesBecauseOnlyNewPicksCheckNamespaces() {
        EipInput otherNamespace = new EipInput("lab", "192.0.2.0/28", "bgp", "", false, 0, List.of("blog"),
                Map.of("team", "blog"), false, false, null);

        ChangePreview preview = EipChanges.ofEdit(LAB, otherNamespace, TWO_HOLDERS);

        assertThat(preview.keep()).containsExactly("shop/api", "shop/web");
        assertThat(preview.lose()).isEmpty();
    }

    @Test
    void anEditThatMakesTheEipInvalidLosesEveryAnnouncement() {
        ChangePreview preview = EipChanges.ofEdit(LAB, withProtocol(LAB, "layer2", ""), List.of(TWO_HOLDERS.get(0)));

        assertThat(preview.keep()).isEmpty();
        assertThat(preview.lose()).containsExactly(new Loss("shop/web", "no speaker announces 192.0.2.1 while Eip "
                + "lab is invalid (spec.interface is required when spec.protocol is layer2)"));
    }

    @Test
    void aServiceAlreadyOutsideTheRangeOrOnlyAskingHasNothingToLose() {
        List<ServiceInput> services = List.of(holding("shop/web", "lab", "192.0.2.20"),
                requesting("shop/new", "lab", "192.0.2.5"), holding("shop/other", "other", "198.51.100.1"));

        ChangePreview preview = EipChanges.ofEdit(LAB, withAddress(LAB, "192.0.2.0/29"), services);

        assertThat(preview.keep()).containsExactly("shop/web");
        assertThat(preview.lose()).isEmpty();
    }

    @Test
    void deletingAnEipThatServicesHoldIsRefusedAndSaysWhoHoldsWhat() {
        ChangePreview preview = EipChanges.ofDelete(LAB, List.of(TWO_HOLDERS.get(0), TWO_HOLDERS.get(1),
                holding("blog/site", "", "192.0.2.3"), holding("shop/other", "other", "198.51.100.1")));

        assertThat(preview.refused()).isEqualTo("Eip lab is in use by 3 Service(s): blog/site, shop/api, shop/web");
        assertThat(preview.lose()).containsExactly(new Loss("blog/site", "holds 192.0.2.3"),
                new Loss("shop/api", "holds 192.0.2.9"), new Loss("shop/web", "holds 192.0.2.1"));
        assertThat(preview.keep()).isEmpty();
    }

    @Test
    void deletingAnEipNobodyHoldsIsAllowed() {
        ChangePreview preview = EipChanges.ofDelete(LAB, List.of(requesting("shop/new", "lab", "192.0.2.5"),
                holding("shop/other", "other", "198.51.100.1")));

        assertThat(preview.refused()).isNull();
        assertThat(preview.lose()).isEmpty();
        assertThat(preview.keep()).isEmpty();
    }
}
