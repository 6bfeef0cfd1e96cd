package io.openelb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpRouter.Config;
import io.openelb.vrrp.VrrpRouter.State;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of what any host on the link controls: any bytes as a captured frame
 * and as a bare VRRP message (its checksum made right, so that the fuzzer gets past it, and as is). Parsing
 * and decoding return a value or a {@link VrrpFormatException}, nothing else; what they return survives
 * our own encoding; a decoded advert drives a router in each state to a legal next state, with only
 * well-formed adverts of its own to send and a timer in the future. Seeds: the golden frames and messages
 * of {@link VrrpFramesTest} and {@link VrrpCodecTest} (src/test/resources/io/openelb/vrrp/VrrpFuzzTestInputs),
 * plus every crash found, kept as a regression input.
 *
 * <p>In the normal test run it replays its inputs; {@code JAZZER_FUZZ=1} fuzzes (the build's
 * {@code fuzz-vrrp} execution: a bounded run).
 */
class VrrpFuzzTest {
    private static final byte[] MAC = {0x02, 0, 0, 0, 0, 0x0a};
    private static final long NOW = 1_000_000;

    @FuzzTest(maxDuration = "15s")
    void framesAndMessagesDecodeOrFailCleanly(byte[] input) {
        try {
            VrrpFrames.Captured captured = VrrpFrames.parse(input);
            byte[] again = VrrpFrames.advert(captured.advert(), captured.source(), captured.sourceMac());
            assertThat(VrrpFrames.parse(again).advert()).isEqualTo(captured.advert());
            driveRouters(captured.advert(), captured.source());
        } catch (VrrpFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        for (IpFamily family : IpFamily.values()) {
            IpAddress source = family == IpFamily.IPV4 ? IpAddress.parse("192.168.1.10") : IpAddress.parse("fe80::1");
            decodeMessage(input, source, VrrpFrames.group(family));
            if (input.length >= VrrpCodec.HEADER_LENGTH) {
                byte[] fixed = input.clone();
                VrrpCodec.put16(fixed, 6, VrrpCodec.checksum(fixed, source, VrrpFrames.group(family)));
                decodeMessage(fixed, source, VrrpFrames.group(family));
            }
        }
    }

    private static void decodeMessage(byte[] message, IpAddress source, IpAddress destination) {
        VrrpAdvert advert;
        try {
            advert = VrrpCodec.decode(message, source, destination);
        } catch (VrrpFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        byte[] encoded = VrrpCodec.encode(advert, source, destination);
        byte[] withoutReservedBits = message.clone();
        withoutReservedBits[4] &= 0x0f;
        VrrpCodec.put16(withoutReservedBits, 6, VrrpCodec.checksum(withoutReservedBits, source, destination));
        assertThat(encoded).isEqualTo(withoutReservedBits);
        driveRouters(advert, source);
    }

    /** Backup having heard nobody, Backup following a master, Master; with and without preemption. */
    private static void driveRouters(VrrpAdvert advert, IpAddress source) {
        IpAddress ours = advert.family() == IpFamily.IPV4 ? IpAddress.parse("192.168.1.10")
                : IpAddress.parse("fe80::1");
        for (boolean preempt : new boolean[] {true, false}) {
            Config config = new Config(advert.vrid(), 100, 100, preempt, ours, advert.addresses());
            VrrpRouter fresh = new VrrpRouter(config);
            fresh.start(NOW);
            check(fresh, advert, source);
            VrrpRouter following = new VrrpRouter(config);
            following.start(NOW);
            following.onAdvert(new VrrpAdvert(advert.vrid(), 150, 100, advert.addresses()), source, NOW + 10);
            check(following, advert, source);
            VrrpRouter master = new VrrpRouter(config);
            master.start(NOW);
            master.onTimer(master.nextDeadline());
            check(master, advert, source);
        }
    }

    private static void check(VrrpRouter router, VrrpAdvert advert, IpAddress source) {
        State before = router.state();
        long now = NOW + 20;
        List<VrrpAdvert> sent = router.onAdvert(advert, source, now);
        State after = router.state();
        boolean yields = advert.priority() > 100 || advert.priority() == 100 && source.compareTo(ours(router)) > 0;
        assertThat(after).isEqualTo(before == State.MASTER && !yields ? State.MASTER : State.BACKUP);
        assertThat(sent).hasSize(before == State.MASTER && advert.priority() == 0 ? 1 : 0);
        assertThat(router.nextDeadline()).isGreaterThan(now);
        checkOwn(router, sent);
        List<VrrpAdvert> fired = router.onTimer(router.nextDeadline());
        assertThat(fired).hasSize(1);
        assertThat(router.state()).isEqualTo(State.MASTER);
        checkOwn(router, fired);
    }

    private static void checkOwn(VrrpRouter router, List<VrrpAdvert> sent) {
        for (VrrpAdvert own : sent) {
            assertThat(own).isEqualTo(new VrrpAdvert(router.config().vrid(), 100, 100, router.config().addresses()));
            byte[] frame = VrrpFrames.advert(own, ours(router), MAC);
            assertThat(Arrays.copyOfRange(frame, 6, 12)).isEqualTo(MAC);
        }
    }

    private static IpAddress ours(VrrpRouter router) {
        return router.config().primaryAddress();
    }
}
