package io.openelb.ui.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.openelb.ui.view.AddressCell.State;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolMapsTest {

    static EipInput eip(String name, String address) {
        return eip(name, address, false);
    }

    static EipInput eip(String name, String address, boolean allowNetworkAndBroadcast) {
        return new EipInput(name, address, "bgp", "", false, 0, List.of(), Map.of(), false,
                allowNetworkAndBroadcast, null);
    }

    static ServiceInput holding(String key, String pool, String... addresses) {
        String[] parts = key.split("/");
        return new ServiceInput(parts[0], parts[1], pool, List.of(addresses), List.of());
    }

    static ServiceInput requesting(String key, String pool, String address) {
        String[] parts = key.split("/");
        return new ServiceInput(parts[0], parts[1], pool, List.of(), List.of(address));
    }

    @Test
    void anIpv4Slash28HandsOutFourteenAddressesAndReservesNetworkAndBroadcast() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28"), List.of(holding("shop/web", "lab", "192.0.2.1")));

        assertThat(map.family()).isEqualTo("IPv4");
        assertThat(map.size()).isEqualTo(BigInteger.valueOf(14));
        assertThat(map.used()).isEqualTo(1);
        assertThat(map.free()).isEqualTo(BigInteger.valueOf(13));
        assertThat(map.complete()).isTrue();
        assertThat(map.cells()).hasSize(16);
        assertThat(map.cells().get(0)).isEqualTo(new AddressCell("192.0.2.0", State.RESERVED, List.of()));
        assertThat(map.cells().get(1)).isEqualTo(new AddressCell("192.0.2.1", State.USED, List.of("shop/web")));
        assertThat(map.cells().get(2)).isEqualTo(new AddressCell("192.0.2.2", State.FREE, List.of()));
        assertThat(map.cells().get(15)).isEqualTo(new AddressCell("192.0.2.15", State.RESERVED, List.of()));
        assertThat(map.cells()).filteredOn(c -> c.state() == State.FREE).hasSize(13);
        assertThat(map.services()).containsExactly("shop/web");
    }

    @Test
    void allowingNetworkAndBroadcastHandsOutAllSixteen() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28", true), List.of());

        assertThat(map.size()).isEqualTo(BigInteger.valueOf(16));
        assertThat(map.free()).isEqualTo(BigInteger.valueOf(16));
        assertThat(map.cells()).hasSize(16).allMatch(c -> c.state() == State.FREE);
        assertThat(map.cells().get(0).ip()).isEqualTo("192.0.2.0");
    }

    @Test
    void aSlash31AndASlash32ReserveNothing() {
        assertThat(PoolMaps.of(eip("p", "192.0.2.4/31"), List.of()).cells())
                .extracting(AddressCell::ip, AddressCell::state)
                .containsExactly(tuple("192.0.2.4", State.FREE), tuple("192.0.2.5", State.FREE));
        assertThat(PoolMaps.of(eip("p", "192.0.2.4/32"), List.of()).size()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void aRangeHandsOutEveryAddressFromFirstToLast() {
        PoolMap map = PoolMaps.of(eip("r", "192.0.2.10-192.0.2.14"),
                List.of(holding("shop/web", "r", "192.0.2.14")));

        assertThat(map.size()).isEqualTo(BigInteger.valueOf(5));
        assertThat(map.free()).isEqualTo(BigInteger.valueOf(4));
        assertThat(map.cells()).extracting(AddressCell::ip, AddressCell::state).containsExactly(
                tuple("192.0.2.10", State.FREE), tuple("192.0.2.11", State.FREE), tuple("192.0.2.12", State.FREE),
                tuple("192.0.2.13", State.FREE), tuple("192.0.2.14", State.USED));
    }

    @Test
    void aSingleAddressIsAPoolOfOne() {
        PoolMap map = PoolMaps.of(eip("one", "192.0.2.7"), List.of(holding("shop/web", "one", "192.0.2.7")));

        assertThat(map.size()).isEqualTo(BigInteger.ONE);
        assertThat(map.used()).isEqualTo(1);
        assertThat(map.free()).isEqualTo(BigInteger.ZERO);
        assertThat(map.cells()).containsExactly(new AddressCell("192.0.2.7", State.USED, List.of("shop/web")));
    }

    @Test
    void aSharedAddressIsOneUsedCellListingBothServicesSorted() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28"), List.of(
                holding("shop/web", "lab", "192.0.2.3"), holding("shop/api", "lab", "192.0.2.3")));

        assertThat(map.used()).isEqualTo(1);
        assertThat(map.free()).isEqualTo(BigInteger.valueOf(13));
        assertThat(map.cells().get(3)).isEqualTo(
                new AddressCell("192.0.2.3", State.USED, List.of("shop/api", "shop/web")));
        assertThat(map.services()).containsExactly("shop/api", "shop/web");
    }

    @Test
    void anAddressAskedForAndHeldByNobodyIsRequestedAndStillFree() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28"), List.of(requesting("shop/web", "lab", "192.0.2.9")));

        assertThat(map.cells().get(9)).isEqualTo(new AddressCell("192.0.2.9", State.REQUESTED, List.of("shop/web")));
        assertThat(map.used()).isZero();
        assertThat(map.free()).isEqualTo(BigInteger.valueOf(14));
        assertThat(map.services()).isEmpty();
    }

    @Test
    void anAddressAskedForThatAnotherServiceHoldsIsUsedByItsHolder() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28"), List.of(
                holding("shop/web", "lab", "192.0.2.9"), requesting("shop/api", "lab", "192.0.2.9")));

        assertThat(map.cells().get(9)).isEqualTo(new AddressCell("192.0.2.9", State.USED, List.of("shop/web")));
    }

    @Test
    void anIpv6Slash120IsDrawnWhole() {
        PoolMap map = PoolMaps.of(eip("v6", "2001:db8::/120"), List.of(holding("shop/web", "v6", "2001:db8::5")));

        assertThat(map.family()).isEqualTo("IPv6");
        assertThat(map.size()).isEqualTo(BigInteger.valueOf(256));
        assertThat(map.free()).isEqualTo(BigInteger.valueOf(255));
        assertThat(map.complete()).isTrue();
        assertThat(map.cells()).hasSize(256);
        assertThat(map.cells().get(0)).isEqualTo(new AddressCell("2001:db8::", State.FREE, List.of()));
        assertThat(map.cells().get(5)).isEqualTo(new AddressCell("2001:db8::5", State.USED, List.of("shop/web")));
        assertThat(map.cells().get(255).ip()).isEqualTo("2001:db8::ff");
    }

    @Test
    void anIpv6Slash64ListsOnlyItsUsedAddresses() {
        PoolMap map = PoolMaps.of(eip("v6", "2001:db8:0:1::/64"), List.of(
                holding("shop/web", "v6", "2001:db8:0:1::ffff:1"), holding("shop/api", "v6", "2001:db8:0:1::7")));

        assertThat(map.size()).isEqualTo(BigInteger.TWO.pow(64));
        assertThat(map.used()).isEqualTo(2);
        assertThat(map.free()).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.TWO));
        assertThat(map.complete()).isFalse();
        assertThat(map.cells()).containsExactly(
                new AddressCell("2001:db8:0:1::7", State.USED, List.of("shop/api")),
                new AddressCell("2001:db8:0:1::ffff:1", State.USED, List.of("shop/web")));
    }

    @Test
    void aLargeIpv4PoolListsItsReservedEndsAndWhatIsHeld() {
        PoolMap map = PoolMaps.of(eip("big", "10.0.0.0/16"), List.of(holding("shop/web", "big", "10.0.1.1")));

        assertThat(map.complete()).isFalse();
        assertThat(map.size()).isEqualTo(BigInteger.valueOf(65534));
        assertThat(map.cells()).extracting(AddressCell::ip, AddressCell::state).containsExactly(
                tuple("10.0.0.0", State.RESERVED), tuple("10.0.1.1", State.USED), tuple("10.0.255.255", State.RESERVED));
    }

    @Test
    void aServiceHoldingTheNetworkAddressOpenElbHandedOutIsCountedUsedButNotAgainstFree() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28"), List.of(holding("shop/old", "lab", "192.0.2.0")));

        assertThat(map.cells().get(0)).isEqualTo(new AddressCell("192.0.2.0", State.USED, List.of("shop/old")));
        assertThat(map.used()).isEqualTo(1);
        assertThat(map.free()).isEqualTo(BigInteger.valueOf(14));
    }

    @Test
    void servicesOfOtherPoolsAreIgnoredAndAnAddressInTheRangeCountsWhateverPoolTheServiceNames() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28"), List.of(
                holding("shop/other", "other", "198.51.100.1"),
                holding("shop/dual", "v6", "2001:db8::1", "192.0.2.4")));

        assertThat(map.services()).containsExactly("shop/dual");
        assertThat(map.used()).isEqualTo(1);
        assertThat(map.cells().get(4).services()).containsExactly("shop/dual");
    }

    @Test
    void aServiceNamingThePoolWithAnAddressLeftOutsideAfterAShrinkIsListedButNotCounted() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/29"), List.of(holding("shop/web", "lab", "192.0.2.9")));

        assertThat(map.services()).containsExactly("shop/web");
        assertThat(map.used()).isZero();
        assertThat(map.cells()).noneMatch(c -> c.state() == State.USED);
    }

    @Test
    void anAddressThatDoesNotParseGivesAnEmptyMapButListsTheServicesNamingThePool() {
        PoolMap map = PoolMaps.of(eip("bad", "192.0.2.0/33"), List.of(
                holding("shop/web", "bad", "192.0.2.1"), holding("shop/other", "other", "192.0.2.2")));

        assertThat(map.family()).isNull();
        assertThat(map.size()).isEqualTo(BigInteger.ZERO);
        assertThat(map.free()).isEqualTo(BigInteger.ZERO);
        assertThat(map.used()).isEqualTo(1);
        assertThat(map.cells()).isEmpty();
        assertThat(map.services()).containsExactly("shop/web");
    }

    @Test
    void hostNamesAndGarbageInAStatusAreLeftOut() {
        PoolMap map = PoolMaps.of(eip("lab", "192.0.2.0/28"), List.of(holding("shop/web", "lab", "lb.example.")));

        assertThat(map.used()).isZero();
        assertThat(map.services()).isEmpty();
    }
}
