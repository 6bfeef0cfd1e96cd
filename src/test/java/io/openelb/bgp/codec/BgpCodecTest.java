package io.openelb.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class BgpCodecTest {
    private static final String MARKER = "ffffffffffffffffffffffffffffffff";

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s|//[^\\n]*", ""));
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    @Test
    void keepaliveIsAHeaderAlone() {
        byte[] golden = hex(MARKER + "0013" + "04"); // marker, length 19, type 4

        assertThat(BgpCodec.encode(Keepalive.INSTANCE, true)).isEqualTo(golden);
        assertThat(BgpCodec.decode(golden, true)).isEqualTo(Keepalive.INSTANCE);
    }

    @Test
    void openWithCapabilitiesMatchesGoldenBytes() {
        Open open = new Open(4, Open.AS_TRANS, 90, 0x0a4d000bL, List.of(
                new Capability.Multiprotocol(BgpCodec.AFI_IPV4, BgpCodec.SAFI_UNICAST),
                new Capability.RouteRefreshCapability(),
                new Capability.FourOctetAs(4_200_000_000L),
                new Capability.GracefulRestart(true, 120, List.of(
                        new Capability.GracefulRestart.Family(1, 1, true)))));
        byte[] golden = hex(MARKER
                + "0035" // length 53
                + "01" // type OPEN
                + "04" // version 4
                + "5ba0" // my AS: AS_TRANS 23456
                + "005a" // hold time 90
                + "0a4d000b" // BGP identifier 10.77.0.11
                + "18" // optional parameters length 24
                + "02" + "16" // parameter type 2 (capabilities), length 22
                + "01" + "04" + "0001" + "00" + "01" // multiprotocol: AFI 1, reserved, SAFI 1
                + "02" + "00" // route refresh
                + "41" + "04" + "fa56ea00" // 4-octet AS 4200000000
                + "40" + "06" + "8078" + "0001" + "01" + "80"); // graceful restart: R bit, 120 s; IPv4 unicast, F bit

        assertThat(HexFormat.of().formatHex(BgpCodec.encode(open, true))).isEqualTo(HexFormat.of().formatHex(golden));
        Open decoded = (Open) BgpCodec.decode(golden, true);
        assertThat(decoded).isEqualTo(open);
        assertThat(decoded.as()).isEqualTo(4_200_000_000L);
        assertThat(decoded.supportsFamily(1, 1)).isTrue();
    }

    @Test
    void ipv4UpdateMatchesGoldenBytes() {
        Update update = new Update(List.of(), List.of(
                new PathAttribute.Origin(PathAttribute.Origin.IGP),
                PathAttribute.AsPath.sequence(64513),
                new PathAttribute.NextHop(ip("10.77.0.11"))),
                List.of(Prefix.host(ip("192.0.2.100")), new Prefix(ip("198.51.100.0"), 24)));
        byte[] golden = hex(MARKER
                + "0034" // length 52
                + "02" // UPDATE
                + "0000" // no withdrawn routes
                + "0014" // path attributes: 20 bytes
                + "40" + "01" + "01" + "00" // ORIGIN (well-known transitive) IGP
                + "40" + "02" + "06" + "02" + "01" + "0000fc01" // AS_PATH: one AS_SEQUENCE of 1 AS, 4 octets: 64513
                + "40" + "03" + "04" + "0a4d000b" // NEXT_HOP 10.77.0.11
                + "20" + "c0000264" // 192.0.2.100/32
                + "18" + "c63364"); // 198.51.100.0/24

        assertThat(HexFormat.of().formatHex(BgpCodec.encode(update, true))).isEqualTo(HexFormat.of().formatHex(golden));
        assertThat(BgpCodec.decode(golden, true)).isEqualTo(update);
    }

    @Test
    void ibgpAnnouncementWithPolicyAttributesMatchesGoldenBytes() {
        List<PathAttribute> policy = List.of( // given in any order: sent in ascending type code
                new PathAttribute.LargeCommunities(List.of(new LargeCommunity(65000, 1, 2))),
                new PathAttribute.Communities(List.of(0xfde80064L, 0xffffff01L)),
                new PathAttribute.LocalPref(200),
                new PathAttribute.MultiExitDisc(10));
        List<Update> updates = UpdatePacker.announce(IpFamily.IPV4, new PathAttribute.AsPath(List.of(), false),
                ip("10.77.0.11"), policy, List.of(Prefix.host(ip("192.0.2.100"))), true);
        byte[] golden = hex(MARKER
                + "0052" // length 82
                + "02" // UPDATE
                + "0000" // no withdrawn routes
                + "0036" // path attributes: 54 bytes
                + "40" + "01" + "01" + "00" // ORIGIN (well-known transitive) IGP
                + "40" + "02" + "00" // AS_PATH empty: a route originated inside the AS (RFC 4271 section 5.1.2)
                + "40" + "03" + "04" + "0a4d000b" // NEXT_HOP 10.77.0.11
                + "80" + "04" + "04" + "0000000a" // MULTI_EXIT_DISC (optional non-transitive) 10
                + "40" + "05" + "04" + "000000c8" // LOCAL_PREF (well-known) 200
                + "c0" + "08" + "08" + "fde80064" + "ffffff01" // COMMUNITIES (optional transitive) 65000:100 NO_EXPORT
                + "c0" + "20" + "0c" + "0000fde8" + "00000001" + "00000002" // LARGE_COMMUNITY 65000:1:2
                + "20" + "c0000264"); // 192.0.2.100/32

        assertThat(updates).hasSize(1);
        assertThat(HexFormat.of().formatHex(BgpCodec.encode(updates.get(0), true)))
                .isEqualTo(HexFormat.of().formatHex(golden));
        assertThat(((Update) BgpCodec.decode(golden, true)).attributes()).containsAll(policy);
    }

    @Test
    void localPrefFromAnExternalPeerIsDiscardedWhateverItsLength() {
        byte[] good = hex(MARKER + "001e 02 0000 0007 40050400000064"); // LOCAL_PREF 100
        byte[] bad = hex(MARKER + "001f 02 0000 0008 4005050000000064"); // LOCAL_PREF of 5 bytes

        assertThat(BgpCodec.decode(good, true, EnumSet.allOf(IpFamily.class), false)).isEqualTo(new Update(List.of(),
                List.of(new PathAttribute.LocalPref(100)), List.of()));
        assertThat(BgpCodec.decode(good, true, EnumSet.allOf(IpFamily.class), true)).isEqualTo(new Update(List.of(), List.of(), List.of()));
        assertThat(BgpCodec.decode(bad, true, EnumSet.allOf(IpFamily.class), true)).isEqualTo(new Update(List.of(), List.of(), List.of()));
        assertThatThrownBy(() -> BgpCodec.decode(bad, true, EnumSet.allOf(IpFamily.class), false))
                .isInstanceOfSatisfying(BgpError.class, e -> assertThat(e.treatAsWithdraw()).isTrue());
    }

    @Test
    void policyAttributesHoldUnsigned32BitNumbersOnly() {
        assertThatThrownBy(() -> new PathAttribute.MultiExitDisc(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PathAttribute.LocalPref(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PathAttribute.Communities(List.of(1L << 32)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addPathNlriCarriesThePathIdentifierFirst() {
        Update update = new Update(List.of(Prefix.host(ip("192.0.2.7"), 0x0a4d000cL)), List.of(
                new PathAttribute.Origin(PathAttribute.Origin.IGP),
                PathAttribute.AsPath.sequence(64513),
                new PathAttribute.NextHop(ip("10.77.0.12"))),
                List.of(Prefix.host(ip("192.0.2.100"), 0x0a4d000cL)));
        byte[] golden = hex(MARKER
                + "003d" // length 61
                + "02" // UPDATE
                + "0009" // withdrawn routes: 9 bytes
                + "0a4d000c" + "20" + "c0000207" // path 10.77.0.12 (as a number), 192.0.2.7/32
                + "0014" // path attributes: 20 bytes
                + "40" + "01" + "01" + "00" // ORIGIN IGP
                + "40" + "02" + "06" + "02" + "01" + "0000fc01" // AS_PATH 64513
                + "40" + "03" + "04" + "0a4d000c" // NEXT_HOP 10.77.0.12: a third party, the node of the path
                + "0a4d000c" + "20" + "c0000264"); // path 10.77.0.12, 192.0.2.100/32

        assertThat(HexFormat.of().formatHex(BgpCodec.encode(update, true))).isEqualTo(HexFormat.of().formatHex(golden));
        assertThat(Prefix.host(ip("192.0.2.100"), 7).encodedSize()).isEqualTo(9);
        assertThat(Prefix.host(ip("2001:db8::1"), 7).encodedSize()).isEqualTo(21);
    }

    @Test
    void twoOctetSessionsCarryAsTransForLargeAsNumbers() {
        Update update = new Update(List.of(), List.of(PathAttribute.AsPath.sequence(4_200_000_000L)), List.of());

        Update decoded = (Update) BgpCodec.decode(BgpCodec.encode(update, false), false);

        assertThat(decoded.attributes()).containsExactly(PathAttribute.AsPath.sequence(Open.AS_TRANS));
    }

    static Stream<BgpMessage> messages() {
        return Stream.of(
                Keepalive.INSTANCE,
                new Notification(6, 2, "shutting down".getBytes()),
                new RouteRefresh(2, 1),
                new Open(4, 64513, 9, 1, List.of()),
                new Open(4, 64513, 0, 0xffffffffL, List.of(new Capability.Unknown(73, new byte[] {1, 2, 3}),
                        new Capability.AddPath(List.of(new Capability.AddPath.Family(2, 1, 2))))),
                new Update(List.of(Prefix.host(ip("192.0.2.1"))), List.of(), List.of()),
                new Update(List.of(), List.of(new PathAttribute.Origin(0), PathAttribute.AsPath.sequence(64513, 64512),
                        new PathAttribute.MpReach(2, 1, List.of(ip("fd77::11"), ip("fe80::1")),
                                List.of(Prefix.host(ip("2001:db8::1")), new Prefix(ip("2001:db8:1::"), 48))),
                        new PathAttribute.Unknown(0xc0, 16, new byte[8])), List.of()),
                new Update(List.of(), List.of(new PathAttribute.Origin(0), new PathAttribute.AsPath(List.of(), false),
                        new PathAttribute.NextHop(ip("10.77.0.11")), new PathAttribute.MultiExitDisc(0xffffffffL),
                        new PathAttribute.LocalPref(100), new PathAttribute.Communities(List.of(0xfde80064L, 0xffffff01L)),
                        new PathAttribute.LargeCommunities(List.of(new LargeCommunity(4_200_000_000L, 1, 0xffffffffL)))),
                        List.of(Prefix.host(ip("192.0.2.1")))),
                new Update(List.of(), List.of(new PathAttribute.MpUnreach(2, 1, List.of(Prefix.host(ip("2001:db8::1"))))),
                        List.of()),
                UpdatePacker.endOfRib(IpFamily.IPV4),
                UpdatePacker.endOfRib(IpFamily.IPV6));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageRoundTrips(BgpMessage message) {
        assertThat(BgpCodec.decode(BgpCodec.encode(message, true), true)).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "marker not all ones     | fffffffffffffffffffffffffffffffe 0013 04          | 1 | 1 | ''",
        "length below 19         | " + MARKER + " 0012 04                             | 1 | 2 | 0012",
        "length above 4096       | " + MARKER + " 1001 04                             | 1 | 2 | 1001",
        "keepalive with a body   | " + MARKER + " 0014 04 00                          | 1 | 2 | 0014",
        "unknown type            | " + MARKER + " 0013 09                             | 1 | 3 | 09",
        "version 3               | " + MARKER + " 001d 01 03 fc01 005a 0a4d000b 00    | 2 | 1 | 0004",
        "hold time 2             | " + MARKER + " 001d 01 04 fc01 0002 0a4d000b 00    | 2 | 6 | ''",
        "identifier 0            | " + MARKER + " 001d 01 04 fc01 005a 00000000 00    | 2 | 3 | ''",
        "unknown opt parameter   | " + MARKER + " 0020 01 04 fc01 005a 0a4d000b 03 01 01 00 | 2 | 4 | ''",
        "withdrawn past the end  | " + MARKER + " 0017 02 00ff 0000                   | 3 | 1 | ''",
        "attributes past the end | " + MARKER + " 0017 02 0000 00ff                   | 3 | 1 | ''",
        "attribute past the list | " + MARKER + " 001a 02 0000 0003 400109           | 3 | 1 | ''",
        "prefix longer than 32   | " + MARKER + " 001c 02 0000 0000 21 c0000264       | 3 | 10 | ''",
        "truncated prefix        | " + MARKER + " 001a 02 0000 0000 20 c000           | 3 | 10 | ''",
    })
    void malformedInputGivesTheRfcNotification(String name, String frame, int code, int subcode, String data) {
        byte[] bytes = hex(frame);

        assertThatThrownBy(() -> BgpCodec.decode(bytes, true))
                .isInstanceOfSatisfying(BgpError.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.subcode()).isEqualTo(subcode);
                    assertThat(HexFormat.of().formatHex(e.data())).isEqualTo(data);
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ORIGIN 5                  | " + MARKER + " 001b 02 0000 0004 40010105                  | 6  | true",
        "NEXT_HOP of 3 bytes       | " + MARKER + " 001d 02 0000 0006 4003030a4d00              | 8  | true",
        "AS_PATH shorter than said | " + MARKER + " 0020 02 0000 0009 400206020200 00fc01      | 11 | true",
        "AS_PATH segment type 9    | " + MARKER + " 0020 02 0000 0009 400206090100 00fc01      | 11 | true",
        "bad ORIGIN, bad NLRI too  | " + MARKER + " 0020 02 0000 0004 40010105 21c0000264       | 10 | false",
        "MED of 3 bytes            | " + MARKER + " 001d 02 0000 0006 800403000000              | 5  | true",
        "LOCAL_PREF of 5 bytes     | " + MARKER + " 001f 02 0000 0008 4005050000000064          | 5  | true",
        "COMMUNITIES of 6 bytes    | " + MARKER + " 0020 02 0000 0009 c00806fde800640001        | 5  | true",
        "LARGE_COMMUNITY of 8      | " + MARKER + " 0022 02 0000 000b c020080000fde800000001    | 5  | true",
        "bad MED, bad NLRI too     | " + MARKER + " 0022 02 0000 0006 800403000000 21c0000264   | 10 | false",
    })
    void attributeValueErrorsAreTreatAsWithdrawWhileTheMessageStillParses(String name, String frame, int subcode,
            boolean treatAsWithdraw) {
        assertThatThrownBy(() -> BgpCodec.decode(hex(frame), true))
                .isInstanceOfSatisfying(BgpError.class, e -> {
                    assertThat(e.code()).isEqualTo(3);
                    assertThat(e.subcode()).isEqualTo(subcode);
                    assertThat(e.treatAsWithdraw()).isEqualTo(treatAsWithdraw);
                });
    }

    /** An UPDATE with no withdrawn routes, these path attributes and no NLRI of its own. */
    private static byte[] updateWith(String attributes) {
        byte[] attrs = hex(attributes);
        return hex(MARKER + String.format("%04x", 23 + attrs.length) + "02" + "0000"
                + String.format("%04x", attrs.length) + HexFormat.of().formatHex(attrs));
    }

    /** Well-formed: RFC 4760 section 3 next hops of the lengths RFC 2545 and RFC 4760 define. */
    @Test
    void mpReachWithTheNextHopLengthsOfItsFamilyDecodes() {
        Update v4 = (Update) BgpCodec.decode(updateWith("800e0e" // MP_REACH_NLRI, optional, 14 bytes
                + "0001" + "01" // IPv4 unicast
                + "04" + "0a4d0001" // next hop 10.77.0.1
                + "00" // reserved
                + "20" + "c0000264"), true); // 192.0.2.100/32
        Update v6 = (Update) BgpCodec.decode(updateWith("800e1c" // 28 bytes
                + "0002" + "01" // IPv6 unicast
                + "10" + "fd770000000000000000000000000001" // next hop fd77::1
                + "00" // reserved
                + "30" + "20010db80001"), true); // 2001:db8:1::/48

        assertThat(v4.attributes()).containsExactly(new PathAttribute.MpReach(1, 1, List.of(ip("10.77.0.1")),
                List.of(Prefix.host(ip("192.0.2.100")))));
        assertThat(v6.attributes()).containsExactly(new PathAttribute.MpReach(2, 1, List.of(ip("fd77::1")),
                List.of(new Prefix(ip("2001:db8:1::"), 48))));
    }

    /**
     * An MP_REACH_NLRI or MP_UNREACH_NLRI that does not parse hides where its routes are: not treat-as-withdraw
     * (RFC 7606 sections 3 j and 5.3) and not Malformed Attribute List, but a session reset with UPDATE Message
     * Error / Optional Attribute Error and the attribute as received (flags, type, length, value) as data (RFC
     * 7606 section 7.11, RFC 4760 section 7, RFC 4271 section 6.3).
     */
    static Stream<Arguments> malformedMpAttributes() {
        return Stream.of(
                Arguments.of("IPv6 next hop of 9 bytes", "800e17" // MP_REACH_NLRI, 23 bytes
                        + "000201" // IPv6 unicast
                        + "09" + "20010db80000000000" // next hop length 9: neither 16 nor 32 (RFC 2545)
                        + "00" + "40" + "20010db800000001"), // reserved, 2001:db8:0:1::/64 (parses, but too late)
                Arguments.of("IPv6 next hop of 9 bytes, extended length", "900e0017" // the same, length in 2 bytes
                        + "000201" + "09" + "20010db80000000000" + "00" + "40" + "20010db800000001"),
                Arguments.of("IPv4 next hop of 16 bytes", "800e1a" // RFC 8950 is not offered: 4 bytes expected
                        + "000101" + "10" + "fd770000000000000000000000000001" + "00" + "20" + "c0000264"),
                Arguments.of("next hop past the attribute", "800e15" // next hop length 64, 17 bytes follow
                        + "000201" + "40" + "20010db8000000000000000000000001" + "00"),
                Arguments.of("no reserved octet", "800e0c" // next hop cut at 8 of 16 bytes
                        + "000201" + "10" + "20010db800000000"),
                Arguments.of("no SAFI", "800e02" + "0002"),
                Arguments.of("prefix of 129 bits", "800e16"
                        + "000201" + "10" + "fd770000000000000000000000000001" + "00" + "81"),
                Arguments.of("VPN family (SAFI 128)", "800e16" // an NLRI encoding we do not know
                        + "000180" + "0c" + "00000000000000000a4d0001" + "00" + "20" + "c0000264"),
                Arguments.of("withdrawn /64 cut at 4 bytes", "800f08" // MP_UNREACH_NLRI, 8 bytes
                        + "000201" + "40" + "20010db8"),
                Arguments.of("withdrawn prefix of 129 bits", "800f04" + "000201" + "81"),
                Arguments.of("unreach without SAFI", "800f02" + "0002"),
                Arguments.of("unreach of AFI 3", "800f03" + "000301"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMpAttributes")
    void malformedMpAttributesResetTheSessionWithOptionalAttributeError(String name, String attribute) {
        byte[] frame = updateWith("40010100" + attribute); // ORIGIN IGP first: the attribute's position varies

        assertThatThrownBy(() -> BgpCodec.decode(frame, true))
                .isInstanceOfSatisfying(BgpError.class, e -> {
                    assertThat(e.code()).isEqualTo(BgpError.UPDATE_MESSAGE);
                    assertThat(e.subcode()).isEqualTo(BgpError.OPTIONAL_ATTRIBUTE_ERROR);
                    assertThat(HexFormat.of().formatHex(e.data())).isEqualTo(attribute);
                    assertThat(e.treatAsWithdraw()).isFalse();
                    assertThat(e.toNotification()).isEqualTo(new Notification(3, 9, hex(attribute)));
                });
    }

    @Test
    void aFamilyTheSessionDidNotNegotiateIsAnOptionalAttributeError() {
        String endOfRibV6 = "800f03" + "000201"; // MP_UNREACH_NLRI IPv6 unicast, nothing withdrawn
        byte[] frame = updateWith(endOfRibV6);

        assertThat(BgpCodec.decode(frame, true, Set.of(IpFamily.IPV6), false)).isEqualTo(UpdatePacker.endOfRib(IpFamily.IPV6));
        assertThatThrownBy(() -> BgpCodec.decode(frame, true, Set.of(IpFamily.IPV4), false))
                .isInstanceOfSatisfying(BgpError.class, e -> {
                    assertThat(e.subcode()).isEqualTo(BgpError.OPTIONAL_ATTRIBUTE_ERROR);
                    assertThat(HexFormat.of().formatHex(e.data())).isEqualTo(endOfRibV6);
                    assertThat(e.getMessage()).contains("IPV6 unicast not negotiated");
                });
    }

    /** RFC 7606 section 3 g: the one case that stays Malformed Attribute List. */
    @Test
    void aSecondMpAttributeOfTheSameTypeIsAMalformedAttributeList() {
        assertThatThrownBy(() -> BgpCodec.decode(updateWith("800f03000201" + "800f03000201"), true))
                .isInstanceOfSatisfying(BgpError.class, e -> {
                    assertThat(e.subcode()).isEqualTo(BgpError.MALFORMED_ATTRIBUTE_LIST);
                    assertThat(e.data()).isEmpty();
                });
        assertThat(BgpCodec.decode(updateWith("800f03000201" + "800e1c000201" + "10"
                + "fd770000000000000000000000000001" + "00" + "30" + "20010db80001"), true))
                .as("one of each is fine").isInstanceOf(Update.class);
    }

    /** RFC 4271 section 6.1 from the header alone, the body unread: what the session needs for RFC 6608. */
    @Test
    void messageTypeChecksTheHeaderButNotTheBody() {
        assertThat(BgpCodec.messageType(hex(MARKER + "001a 02 0000 0003 400109"))).as("malformed UPDATE body")
                .isEqualTo(BgpMessage.UPDATE);
        assertThat(BgpCodec.messageType(hex(MARKER + "0013 04"))).isEqualTo(BgpMessage.KEEPALIVE);
        assertThatThrownBy(() -> BgpCodec.messageType(hex(MARKER + "0013 09")))
                .isInstanceOfSatisfying(BgpError.class, e -> assertThat(e.subcode()).isEqualTo(BgpError.BAD_MESSAGE_TYPE));
        assertThatThrownBy(() -> BgpCodec.messageType(hex(MARKER + "0016 02 000000")))
                .isInstanceOfSatisfying(BgpError.class, e -> assertThat(e.subcode()).isEqualTo(BgpError.BAD_MESSAGE_LENGTH));
        assertThatThrownBy(() -> BgpCodec.messageType(hex(MARKER + "0014 04 00")))
                .isInstanceOfSatisfying(BgpError.class, e -> assertThat(e.subcode()).isEqualTo(BgpError.BAD_MESSAGE_LENGTH));
    }

    /** RFC 8203: at most 128 bytes from us (RFC 9003 allows 255, older peers reject more), whole characters. */
    @Test
    void ourShutdownCommunicationIsCutToWholeCharactersWithin128Bytes() {
        Notification even = Notification.cease(BgpError.ADMINISTRATIVE_SHUTDOWN, "é".repeat(100)); // 200 bytes
        Notification odd = Notification.cease(BgpError.ADMINISTRATIVE_SHUTDOWN, "x" + "é".repeat(100)); // 201

        assertThat(even.data()).hasSize(129).startsWith((byte) 128);
        assertThat(even.shutdownCommunication()).contains('"' + "é".repeat(64) + '"');
        assertThat(odd.data()).as("byte 128 would be half an é").hasSize(128).startsWith((byte) 127);
        assertThat(odd.shutdownCommunication()).contains("\"x" + "é".repeat(63) + '"');
        assertThat(Notification.cease(BgpError.ADMINISTRATIVE_SHUTDOWN, "").data()).isEmpty();
    }

    /** RFC 9003 section 4: a bad length or bad UTF-8 is logged in hex, never an error; no control characters. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "length 5, 4 bytes follow | 6 | 2 | 05676f6c64           | malformed shutdown communication, hex 05676f6c64",
        "not UTF-8                | 6 | 4 | 02c328               | malformed shutdown communication, hex 02c328",
        "a line break             | 6 | 2 | 096c696e650a6e657874 | \"line\\u000anext\"",
        "length 0                 | 6 | 2 | 00                   | ''",
        "Peer De-configured       | 6 | 3 | 0474657874           | ''",
    })
    void aPeersShutdownCommunicationIsReadableWhateverItSends(String name, int code, int subcode, String data,
            String expected) {
        Notification n = new Notification(code, subcode, hex(data));

        assertThat(n.shutdownCommunication().orElse("")).isEqualTo(expected);
    }

    @Test
    void frameLengthRejectsAHeaderBeforeTheBodyIsRead() {
        assertThat(BgpCodec.frameLength(hex(MARKER + "0200" + "02"))).isEqualTo(512);
        assertThatThrownBy(() -> BgpCodec.frameLength(hex(MARKER + "2000" + "02")))
                .isInstanceOfSatisfying(BgpError.class, e -> assertThat(e.subcode()).isEqualTo(2));
    }

    @ParameterizedTest
    @CsvSource({"IPV4, 10000", "IPV6, 10000", "IPV4, 1", "IPV6, 0"})
    void packedUpdatesStayUnder4096BytesAndCarryEveryPrefix(IpFamily family, int count) {
        IpAddress base = family == IpFamily.IPV4 ? ip("10.0.0.0") : ip("2001:db8::");
        List<Prefix> prefixes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            prefixes.add(Prefix.host(base.plus(i)));
        }
        IpAddress nextHop = family == IpFamily.IPV4 ? ip("10.77.0.11") : ip("fd77::11");

        List<Update> announce = UpdatePacker.announce(family, PathAttribute.AsPath.sequence(64513), nextHop, List.of(),
                prefixes, true);
        List<Update> withdraw = UpdatePacker.withdraw(family, prefixes);

        List<Prefix> announced = new ArrayList<>();
        List<Prefix> withdrawn = new ArrayList<>();
        for (Update u : announce) {
            byte[] bytes = BgpCodec.encode(u, true);
            assertThat(bytes.length).isLessThanOrEqualTo(4096);
            Update decoded = (Update) BgpCodec.decode(bytes, true);
            announced.addAll(decoded.nlri());
            decoded.attributes().stream().filter(a -> a instanceof PathAttribute.MpReach)
                    .forEach(a -> announced.addAll(((PathAttribute.MpReach) a).nlri()));
        }
        for (Update u : withdraw) {
            byte[] bytes = BgpCodec.encode(u, true);
            assertThat(bytes.length).isLessThanOrEqualTo(4096);
            Update decoded = (Update) BgpCodec.decode(bytes, true);
            withdrawn.addAll(decoded.withdrawn());
            decoded.attributes().stream().filter(a -> a instanceof PathAttribute.MpUnreach)
                    .forEach(a -> withdrawn.addAll(((PathAttribute.MpUnreach) a).withdrawn()));
        }
        assertThat(announced).isEqualTo(prefixes);
        assertThat(withdrawn).isEqualTo(prefixes);
        if (count == 10000) {
            assertThat(announce.size()).as("messages for 10,000 prefixes").isLessThanOrEqualTo(
                    family == IpFamily.IPV4 ? 13 : 43);
        }
    }
}
