package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.layer2.wire.MacAddress;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpFormatException;
import io.openelb.vrrp.VrrpFrames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Links on the loopback interface with real pcap handles (the tests run as root). The frame format is a
 * stand-in: an Ethernet frame to the IPv4 group with an IPv4 header (protocol 112, TTL 255) and an 8-byte tag
 * instead of an advertisement; the capture filter is the real one. On loopback a sent frame comes back as an
 * inbound one, so every link on "lo" captures it, the sender's included.
 */
@ExtendWith(VertxExtension.class)
class VrrpLinkVertxTest {
    private static final long TIMEOUT_SECONDS = 5;
    private static final IpAddress LOOPBACK = IpAddress.parse("127.0.0.1");
    /** Only this test's frames parse; a stray VRRP frame on "lo" would count as malformed. */
    private final long tag = ThreadLocalRandom.current().nextLong();
    private final long badTag = ~tag;

    private record Arrival(VrrpFrames.Captured captured, Context context) {}

    private static byte[] frame(IpAddress source, MacAddress mac, long tag) {
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + 8);
        f.put(new byte[] {0x01, 0x00, 0x5e, 0x00, 0x00, 0x12}).put(mac.toBytes()).putShort((short) 0x0800);
        f.put((byte) 0x45).put((byte) 0).putShort((short) 28).putInt(0); // version and length, total length, id
        f.put((byte) 255).put((byte) 112).putShort((short) 0); // TTL, protocol, checksum (unchecked)
        f.put(source.toBytes()).put(new byte[] {(byte) 224, 0, 0, 18});
        return f.putLong(tag).array();
    }

    private VrrpFrames.Captured parse(byte[] frame) throws VrrpFormatException {
        long found = ByteBuffer.wrap(frame, 34, 8).getLong();
        if (found != tag) {
            throw new VrrpFormatException(found == badTag ? "bad test frame" : "not this test's frame");
        }
        return new VrrpFrames.Captured(IpAddress.ofBytes(Arrays.copyOfRange(frame, 26, 30)),
                Arrays.copyOfRange(frame, 6, 12), frame[22] & 0xff, null);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> future) throws Exception {
        try {
            await(future);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("succeeded");
    }

    /** Opens a link on "lo" from {@code context}, recording each advertisement and the context it came on. */
    private VrrpLink openOnLoopback(Vertx vertx, Context context, BlockingQueue<Arrival> arrivals) throws Exception {
        CompletableFuture<VrrpLink> link = new CompletableFuture<>();
        context.runOnContext(v -> VrrpLink.open(vertx, "lo",
                        c -> arrivals.add(new Arrival(c, Vertx.currentContext())), this::parse)
                .onSuccess(link::complete)
                .onFailure(link::completeExceptionally));
        return link.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void anAdvertisementSentOnOneLinkReachesAnotherOnItsOpenersContext(Vertx vertx) throws Exception {
        BlockingQueue<Arrival> atSender = new LinkedBlockingQueue<>();
        BlockingQueue<Arrival> atReceiver = new LinkedBlockingQueue<>();
        Context receiverContext = vertx.getOrCreateContext();
        VrrpLink sender = openOnLoopback(vertx, vertx.getOrCreateContext(), atSender);
        VrrpLink receiver = openOnLoopback(vertx, receiverContext, atReceiver);
        try {
            await(sender.sendFrom(IpFamily.IPV4, (source, mac) -> frame(source, mac, tag)));

            Arrival arrival = atReceiver.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(arrival).as("received by the other link").isNotNull();
            assertThat(arrival.captured().source()).as("from the sender's primary address").isEqualTo(LOOPBACK);
            assertThat(arrival.captured().ttl()).isEqualTo(255);
            assertThat(arrival.context()).as("on the context that opened the link").isSameAs(receiverContext);
            assertThat(receiver.malformed()).isZero();
        } finally {
            await(Future.all(sender.close(), receiver.close()));
        }
    }

    @Test
    void framesThatDoNotParseAreCountedAndNotHandedOn(Vertx vertx) throws Exception {
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        VrrpLink link = openOnLoopback(vertx, vertx.getOrCreateContext(), arrivals); // hears itself on "lo"
        try {
            await(link.sendFrom(IpFamily.IPV4, (source, mac) -> frame(source, mac, badTag)));
            await(link.sendFrom(IpFamily.IPV4, (source, mac) -> frame(source, mac, tag)));

            // one capture thread reads both in order: once the good one is here, the bad one was counted
            assertThat(arrivals.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotNull();
            assertThat(link.malformed()).isGreaterThanOrEqualTo(1);
            assertThat(arrivals.poll(100, TimeUnit.MILLISECONDS)).as("nothing for the bad frame").isNull();
        } finally {
            await(link.close());
        }
    }

    @Test
    void theLoopbackInterfaceIsUpAndHasAnIpv4SourceButNoIpv6LinkLocalOne(Vertx vertx) throws Exception {
        VrrpLink link = openOnLoopback(vertx, vertx.getOrCreateContext(), new LinkedBlockingQueue<>());
        try {
            assertThat(link.iface()).isEqualTo("lo");
            assertThat(link.up()).isTrue();
            assertThat(link.primary(IpFamily.IPV4)).isEqualTo(LOOPBACK);
            assertThat(link.primary(IpFamily.IPV6)).as("::1 is no link-local address").isNull();

            Throwable failure = failureOf(link.sendFrom(IpFamily.IPV6, (source, mac) -> frame(source, mac, tag)));
            assertThat(failure).hasMessage(
                    "cannot send a VRRP advertisement on lo: the interface has no IPv6 link-local address");
        } finally {
            await(link.close());
        }
    }

    @Test
    void openingAMissingInterfaceFailsNamingIt(Vertx vertx) throws Exception {
        Throwable failure = failureOf(VrrpLink.open(vertx, "vrrp-missing0", c -> {}, this::parse));

        assertThat(failure).hasMessage("interface vrrp-missing0 does not exist");
    }

    @Test
    void closeIsIdempotentAndALinkClosedSendsNothing(Vertx vertx) throws Exception {
        VrrpLink link = openOnLoopback(vertx, vertx.getOrCreateContext(), new LinkedBlockingQueue<>());

        Future<Void> first = link.close();
        assertThat(link.close()).isSameAs(first);
        await(first);

        Throwable failure = failureOf(link.sendFrom(IpFamily.IPV4, (source, mac) -> frame(source, mac, tag)));
        assertThat(failure).hasMessage("cannot send a VRRP advertisement on lo: the link is closed");
    }
}
