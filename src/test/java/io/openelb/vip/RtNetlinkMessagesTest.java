package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openelb.model.IpAddress;
import io.openelb.vip.RtNetlinkMessages.Acknowledgement;
import io.openelb.vip.RtNetlinkMessages.Address;
import io.openelb.vip.RtNetlinkMessages.Done;
import io.openelb.vip.RtNetlinkMessages.Reply;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Golden bytes from the kernel's struct layouts, in the little-endian order of x86-64 and aarch64. */
class RtNetlinkMessagesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String REQUEST_ADD_10_0_0_5 = "30000000" // 48 bytes
            + "1400" + "0506"                            // RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
            + "01000000" + "00000000"                    // seq 1, port 0
            + "02" + "20" + "00" + "00" + "02000000"      // AF_INET, /32, no flags, universe, ifindex 2
            + "0800" + "0200" + "0a000005"                // IFA_LOCAL 10.0.0.5
            + "0800" + "0100" + "0a000005"                // IFA_ADDRESS 10.0.0.5
            + "0800" + "0800" + "00000000";               // IFA_FLAGS 0

    @BeforeAll
    static void nativeOrderIsLittleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    private static List<Reply> parse(String hex) throws IOException {
        byte[] datagram = HEX.parseHex(hex);
        return RtNetlinkMessages.parse(datagram, datagram.length);
    }

    @Test
    void addsAnIpv4AddressAsAHostPrefixWithLocalAndAddressAttributes() {
        byte[] request = RtNetlinkMessages.addAddress(1, 2, IpAddress.parse("10.0.0.5"));

        assertThat(HEX.formatHex(request)).isEqualTo(REQUEST_ADD_10_0_0_5);
    }

    @Test
    void addsAnIpv6AddressAsAHostPrefixWithoutDuplicateAddressDetection() {
        byte[] request = RtNetlinkMessages.addAddress(7, 3, IpAddress.parse("fd00::5"));

        assertThat(HEX.formatHex(request)).isEqualTo("48000000"          // 72 bytes
                + "1400" + "0506"                                            // RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
                + "07000000" + "00000000"                                    // seq 7, port 0
                + "0a" + "80" + "02" + "00" + "03000000"                      // AF_INET6 /128 NODAD universe, ifindex 3
                + "1400" + "0200" + "fd000000000000000000000000000005"        // IFA_LOCAL fd00::5
                + "1400" + "0100" + "fd000000000000000000000000000005"        // IFA_ADDRESS fd00::5
                + "0800" + "0800" + "02000000");                              // IFA_FLAGS IFA_F_NODAD
    }

    @Test
    void addsOrRefreshesAnAddressWithALifetimeTheKernelEnforces() {
        byte[] request = RtNetlinkMessages.addOrRefreshAddress(1, 2, IpAddress.parse("10.0.0.5"), 1);

        assertThat(HEX.formatHex(request)).isEqualTo("44000000" + "1400" + "0505" // 68 bytes, REQUEST|ACK|REPLACE|CREATE
                + REQUEST_ADD_10_0_0_5.substring(16)                               // ifaddrmsg and attributes as add's
                + "1400" + "0600" + "01000000" + "01000000" + "00000000" + "00000000"); // IFA_CACHEINFO 1 s, 1 s
    }

    @Test
    void removesTheHostPrefixItAdds() {
        byte[] request = RtNetlinkMessages.removeAddress(1, 2, IpAddress.parse("10.0.0.5"));

        assertThat(HEX.formatHex(request)).isEqualTo("30000000" + "1500" + "0500" // 48 bytes, RTM_DELADDR, REQUEST|ACK
                + REQUEST_ADD_10_0_0_5.substring(16));                             // the rest as the add's
    }

    @Test
    void dumpsTheAddressesOfEveryInterfaceInBothFamilies() {
        byte[] request = RtNetlinkMessages.dumpAddresses(9);

        assertThat(HEX.formatHex(request)).isEqualTo("18000000" + "1600" + "0103" // 24 bytes, RTM_GETADDR, REQUEST|DUMP
                + "09000000" + "00000000"                                          // seq 9, port 0
                + "00" + "00" + "00" + "00" + "00000000");                          // AF_UNSPEC, any interface
    }

    @Test
    void kernelSocketAddressIsNetlinkPortZero() {
        assertThat(HEX.formatHex(RtNetlinkMessages.kernelSocketAddress()))
                .isEqualTo("1000" + "0000" + "00000000" + "00000000"); // AF_NETLINK, pad, port 0, no groups
    }

    @Test
    void parsesAnErrorReplyWithTheRequestItRefuses() throws IOException {
        List<Reply> replies = parse("44000000" + "0200" + "0000"     // 68 bytes, NLMSG_ERROR, no flags
                + "01000000" + "2a000000"                             // seq 1, to our port 42
                + "ffffffff"                                          // error -1: EPERM
                + REQUEST_ADD_10_0_0_5);                              // the whole request, as the kernel echoes it

        assertThat(replies).containsExactly(new Acknowledgement(1, Errno.EPERM));
    }

    @Test
    void parsesAnAcknowledgementAsErrnoZero() throws IOException {
        List<Reply> replies = parse("24000000" + "0200" + "0001"     // 36 bytes, NLMSG_ERROR, NLM_F_CAPPED
                + "01000000" + "2a000000"                             // seq 1, to our port 42
                + "00000000"                                          // error 0: success
                + REQUEST_ADD_10_0_0_5.substring(0, 32));             // the request's header only

        assertThat(replies).containsExactly(new Acknowledgement(1, 0));
    }

    @Test
    void parsesADumpOfTwoInterfacesAddressesUpToDone() throws IOException {
        String loopback = "38000000" + "1400" + "0200" + "09000000" + "2a000000" // 56 bytes, RTM_NEWADDR, MULTI, seq 9
                + "02" + "08" + "80" + "fe" + "01000000"                         // AF_INET /8 permanent, host scope, lo
                + "0800" + "0100" + "7f000001"                                   // IFA_ADDRESS 127.0.0.1
                + "0800" + "0200" + "7f000001"                                   // IFA_LOCAL 127.0.0.1
                + "0700" + "0300" + "6c6f00" + "00"                              // IFA_LABEL "lo", padded to 4
                + "0800" + "0800" + "80000000";                                  // IFA_FLAGS permanent
        String pointToPoint = "28000000" + "1400" + "0200" + "09000000" + "2a000000" // 40 bytes
                + "02" + "20" + "80" + "00" + "02000000"                         // AF_INET /32 on ifindex 2
                + "0800" + "0100" + "0a0000fe"                                   // IFA_ADDRESS: the peer 10.0.0.254
                + "0800" + "0200" + "0a000005";                                  // IFA_LOCAL: ours, 10.0.0.5
        String ipv6 = "48000000" + "1400" + "0200" + "09000000" + "2a000000"     // 72 bytes
                + "0a" + "40" + "80" + "00" + "02000000"                         // AF_INET6 /64 on ifindex 2
                + "1400" + "0100" + "fd000000000000000000000000000005"           // IFA_ADDRESS fd00::5 (no IFA_LOCAL)
                + "1400" + "0600" + "00".repeat(16)                              // IFA_CACHEINFO
                + "0800" + "0800" + "80000000";                                  // IFA_FLAGS permanent
        String done = "14000000" + "0300" + "0200" + "09000000" + "2a000000"     // 20 bytes, NLMSG_DONE, MULTI
                + "00000000";                                                    // 0: complete

        List<Reply> replies = parse(loopback + pointToPoint + ipv6 + done);

        assertThat(replies).containsExactly(
                new Address(9, 1, IpAddress.parse("127.0.0.1")),
                new Address(9, 2, IpAddress.parse("10.0.0.5")),
                new Address(9, 2, IpAddress.parse("fd00::5")),
                new Done(9, 0));
    }

    @Test
    void parsesADumpThatFailedPartWay() throws IOException {
        List<Reply> replies = parse("14000000" + "0300" + "0200" + "09000000" + "2a000000" + "fcffffff"); // -4: EINTR

        assertThat(replies).containsExactly(new Done(9, 4));
    }

    @Test
    void skipsAddressesOfOtherFamilies() throws IOException {
        List<Reply> replies = parse("18000000" + "1400" + "0200" + "09000000" + "2a000000"
                + "11" + "00" + "00" + "00" + "02000000");                       // AF_PACKET: not an IP address

        assertThat(replies).isEmpty();
    }

    @Test
    void refusesAMessageLongerThanTheDatagram() {
        assertThatThrownBy(() -> parse("40000000" + "0200" + "0000" + "01000000" + "2a000000" + "00000000"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("message length 64 with 20 bytes left");
    }

    @Test
    void refusesAnAttributeShorterThanItsHeader() {
        assertThatThrownBy(() -> parse("1c000000" + "1400" + "0200" + "09000000" + "2a000000"
                + "02" + "20" + "00" + "00" + "02000000"
                + "0000" + "0100"))                                              // length 0 would never advance
                .isInstanceOf(IOException.class)
                .hasMessageContaining("attribute length 0");
    }

    @Test
    void refusesAnAddressOfTheWrongSizeForItsFamily() {
        assertThatThrownBy(() -> parse("20000000" + "1400" + "0200" + "09000000" + "2a000000"
                + "0a" + "80" + "00" + "00" + "02000000"
                + "0800" + "0100" + "0a000005"))                                 // 4 bytes in an AF_INET6 message
                .isInstanceOf(IOException.class)
                .hasMessageContaining("4-byte address in family 10");
    }
}
