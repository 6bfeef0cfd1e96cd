package io.openelb.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.codec.BgpMessage;
import io.openelb.bgp.codec.Capability;
import io.openelb.bgp.codec.Keepalive;
import io.openelb.bgp.codec.Notification;
import io.openelb.bgp.codec.Open;
import io.openelb.bgp.fsm.Action;
import io.openelb.bgp.fsm.Event;
import io.openelb.bgp.fsm.Session;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.bgp.fsm.State;
import io.openelb.bgp.fsm.Transition;
import io.openelb.model.IpFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of what a peer controls: any bytes through the decoder and into an
 * Established session. The decoder returns a message or a {@link BgpError}, nothing else; a decoded
 * message survives our own encoding; the session answers an error with that error's NOTIFICATION and a
 * close (or, for RFC 7606 treat-as-withdraw, stays up), and a message with a transition, never an
 * exception. Seeds: the messages captured from BIRD, FRR and GoBGP (src/test/resources/bgp, copied as
 * this test's inputs by the build), plus every crash found, kept as a regression input.
 *
 * <p>In the normal test run it replays its inputs; {@code JAZZER_FUZZ=1} fuzzes (CI: a bounded run,
 * {@code hack/fuzz.sh}: a long one).
 */
class BgpFuzzTest {
    private static final SessionConfig CONFIG = new SessionConfig(64513, 0x0a4d000bL, 64512,
            Set.of(IpFamily.IPV4, IpFamily.IPV6), Duration.ofSeconds(90), null, Duration.ofSeconds(1),
            Duration.ofSeconds(60), false, 120, Set.of(IpFamily.IPV4));
    private static final Open ROUTER_OPEN = new Open(4, 64512, 9, 0x0a4d0001L, List.of(
            new Capability.Multiprotocol(1, 1), new Capability.Multiprotocol(2, 1),
            new Capability.FourOctetAs(64512)));
    private static final Session ESTABLISHED = established();

    @FuzzTest(maxDuration = "30s")
    void decoderAndSessionSurviveAnyInput(FuzzedDataProvider data) {
        boolean fourOctetAs = data.consumeBoolean();
        boolean framed = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        // framed: a well-formed header around the bytes, so that the fuzzer spends its time in the bodies
        byte[] frame = framed && bytes.length > 0 && bytes.length <= BgpCodec.MAX_LENGTH - BgpCodec.HEADER_LENGTH + 1
                ? frame(bytes[0], java.util.Arrays.copyOfRange(bytes, 1, bytes.length)) : bytes;

        BgpMessage message;
        try {
            BgpCodec.frameLength(frame);
            message = BgpCodec.decode(frame, fourOctetAs);
        } catch (BgpError e) {
            assertThat(e.code()).isBetween(BgpError.MESSAGE_HEADER, BgpError.CEASE);
            assertThat(BgpCodec.encode(e.toNotification(), fourOctetAs).length).isLessThanOrEqualTo(BgpCodec.MAX_LENGTH);
            Transition t = ESTABLISHED.step(CONFIG, new Event.DecodeFailed(e));
            if (e.treatAsWithdraw()) {
                assertThat(t.next().state()).isEqualTo(State.ESTABLISHED);
            } else {
                assertThat(t.actions()).startsWith(new Action.Send(e.toNotification()), new Action.Close());
            }
            return;
        }
        BgpMessage again = BgpCodec.decode(BgpCodec.encode(message, fourOctetAs), fourOctetAs);
        assertThat(again).isEqualTo(message);
        Transition t = ESTABLISHED.step(CONFIG, new Event.MessageReceived(message));
        assertThat(t.next()).isNotNull();
        if (message instanceof Notification) {
            assertThat(t.actions()).contains(new Action.Close());
        }
    }

    private static byte[] frame(byte type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(BgpCodec.HEADER_LENGTH + body.length);
        for (int i = 0; i < 16; i++) {
            b.put((byte) 0xff);
        }
        b.putShort((short) (BgpCodec.HEADER_LENGTH + body.length)).put(type).put(body);
        return b.array();
    }

    private static Session established() {
        Session s = Session.idle().step(CONFIG, new Event.Start()).next();
        s = s.step(CONFIG, new Event.TcpConnected()).next();
        s = s.step(CONFIG, new Event.MessageReceived(ROUTER_OPEN)).next();
        return s.step(CONFIG, new Event.MessageReceived(Keepalive.INSTANCE)).next();
    }
}
