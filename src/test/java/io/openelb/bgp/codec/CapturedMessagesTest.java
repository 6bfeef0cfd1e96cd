package io.openelb.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages captured from BIRD 2.0.12, FRR 8.4.4 and GoBGP 3.10 in the lab (src/test/resources/bgp, see
 * its README for who sent each and when) decode, and survive our encoder.
 */
class CapturedMessagesTest {
    private static final Path DIR = Path.of("src", "test", "resources", "bgp");

    static Stream<Path> captures() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".bin")).sorted().toList().stream();
        }
    }

    private static BgpMessage decode(String name) {
        try {
            return BgpCodec.decode(Files.readAllBytes(DIR.resolve(name)), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void decodesAsTheTypeItsNameSaysAndRoundTrips(Path capture) throws IOException {
        String name = capture.getFileName().toString();
        BgpMessage message = BgpCodec.decode(Files.readAllBytes(capture), true);

        Class<?> expected = name.contains("-open") ? Open.class : name.contains("-update") ? Update.class
                : name.contains("-notification") ? Notification.class : name.contains("-keepalive") ? Keepalive.class
                : RouteRefresh.class;
        assertThat(message).isInstanceOf(expected);
        assertThat(BgpCodec.decode(BgpCodec.encode(message, true), true)).isEqualTo(message);
    }

    @Test
    void realOpensCarryTheirCapabilities() {
        Open frr = (Open) decode("frr-open-ipv6.bin");
        assertThat(frr.as()).isEqualTo(64512);
        assertThat(frr.supportsFamily(2, 1)).isTrue();
        assertThat(frr.capability(Capability.FourOctetAs.class)).contains(new Capability.FourOctetAs(64512));
        assertThat(frr.capabilities()).anyMatch(c -> c.code() == 73); // FQDN, kept opaque

        Open gobgp = (Open) decode("gobgp-open-ipv4-graceful-restart.bin");
        assertThat(gobgp.capability(Capability.GracefulRestart.class)).isPresent();
    }

    @Test
    void frrSendsIpv6NextHopsAsGlobalPlusLinkLocal() {
        Update update = (Update) decode("frr-update-ipv6-announce.bin");

        PathAttribute.MpReach reach = update.attributes().stream().filter(a -> a instanceof PathAttribute.MpReach)
                .map(PathAttribute.MpReach.class::cast).findFirst().orElseThrow();
        assertThat(reach.nextHops()).hasSize(2).first().isEqualTo(IpAddress.parse("fd77::1"));
        assertThat(reach.nlri()).containsExactly(Prefix.host(IpAddress.parse("fd88::1")));
    }

    @Test
    void gobgpAnnouncesLikeOurSpeakerDoes() {
        Update update = (Update) decode("gobgp-update-ipv4-announce.bin");

        assertThat(update.nlri()).containsExactly(Prefix.host(IpAddress.parse("10.99.0.1")));
        assertThat(update.attributes()).contains(PathAttribute.AsPath.sequence(64513),
                new PathAttribute.NextHop(IpAddress.parse("10.77.0.11")));
    }

    @Test
    void endOfRibMarkersAreEmptyUpdates() {
        assertThat(decode("frr-update-end-of-rib-ipv4.bin")).isEqualTo(new Update(List.of(), List.of(), List.of()));
        assertThat(decode("frr-update-end-of-rib-ipv6.bin")).isEqualTo(UpdatePacker.endOfRib(io.openelb.model.IpFamily.IPV6));
    }
}
