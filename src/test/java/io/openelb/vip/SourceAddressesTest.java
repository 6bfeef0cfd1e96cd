package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vip.SourceAddresses.Assigned;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The advertisement's source among an interface's addresses, listed as NetworkInterface lists them (newest first). */
class SourceAddressesTest {
    private static Assigned at(String address, int prefixLength) {
        return new Assigned(IpAddress.parse(address), prefixLength);
    }

    @Test
    void ipv4IsTheNodesOwnAddressNotAVirtualOneAddedLater() {
        List<Assigned> listed = List.of(at("fd00::2", 64), at("fe80::1", 64), at("10.0.0.100", 32),
                at("10.0.0.5", 24));

        assertThat(SourceAddresses.primary(IpFamily.IPV4, listed)).isEqualTo(IpAddress.parse("10.0.0.5"));
    }

    @Test
    void ipv4PrefersAnAddressWithAPrefixOverAVirtualOneTheKernelListsFirst() {
        // the node's address was removed and added again after the virtual one
        List<Assigned> listed = List.of(at("10.0.0.5", 24), at("10.0.0.100", 32));

        assertThat(SourceAddresses.primary(IpFamily.IPV4, listed)).isEqualTo(IpAddress.parse("10.0.0.5"));
    }

    @Test
    void ipv4AmongHostAddressesOnlyIsTheKernelsFirst() {
        // a cloud node whose own address is a /32, and a virtual address added later
        List<Assigned> listed = List.of(at("10.0.0.100", 32), at("10.0.0.5", 32));

        assertThat(SourceAddresses.primary(IpFamily.IPV4, listed)).isEqualTo(IpAddress.parse("10.0.0.5"));
    }

    @Test
    void ipv6IsTheLinkLocalAddressNeverAGlobalOne() {
        List<Assigned> listed = List.of(at("fd00::100", 128), at("fd00::2", 64), at("fe80::fc:ff:fe00:1", 64),
                at("10.0.0.5", 24));

        assertThat(SourceAddresses.primary(IpFamily.IPV6, listed)).isEqualTo(IpAddress.parse("fe80::fc:ff:fe00:1"));
    }

    @Test
    void noAddressOfTheKindIsNull() {
        List<Assigned> loopback = List.of(at("::1", 128), at("127.0.0.1", 8));

        assertThat(SourceAddresses.primary(IpFamily.IPV6, loopback)).isNull();
        assertThat(SourceAddresses.primary(IpFamily.IPV4, List.of(at("fe80::1", 64)))).isNull();
        assertThat(SourceAddresses.primary(IpFamily.IPV4, List.of())).isNull();
    }
}
