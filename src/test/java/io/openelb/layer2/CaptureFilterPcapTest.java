package io.openelb.layer2;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.layer2.wire.CaptureFilter;
import io.openelb.layer2.wire.Frames;
import io.openelb.layer2.wire.MacAddress;
import io.openelb.layer2.wire.NeighborRequest;
import io.openelb.model.IpAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * The capture filter as libpcap compiles it (the same code path the responder's handle uses, without a
 * device or privileges), run over the frames it must let through and those the kernel must drop.
 */
class CaptureFilterPcapTest {
    private static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:0b");
    private static final MacAddress CLIENT = MacAddress.parse("02:00:00:00:00:32");

    private static boolean passes(String filter, byte[] frame) throws Exception {
        BpfProgram program = Pcaps.compileFilter(256, DataLinkType.EN10MB, filter, BpfProgram.BpfCompileMode.OPTIMIZE,
                (java.net.Inet4Address) java.net.InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}));
        try {
            return program.applyFilter(frame);
        } finally {
            program.free();
        }
    }

    /** A request for {@code target} from the client, built as our own answers are, then turned around. */
    private static byte[] request(String target) {
        IpAddress t = IpAddress.parse(target);
        IpAddress client = IpAddress.parse(t.family() == io.openelb.model.IpFamily.IPV4 ? "10.77.0.50" : "fd77::50");
        // an answer from the client to us has the layout of a request except op/type: patch those
        byte[] f = Frames.answer(new NeighborRequest(client, OURS, t), CLIENT);
        if (t.family() == io.openelb.model.IpFamily.IPV4) {
            f[21] = 1; // ARP request
            System.arraycopy(t.toBytes(), 0, f, 38, 4);
        } else {
            f[54] = (byte) 135;
            System.arraycopy(t.toBytes(), 0, f, 62, 16);
        }
        return f;
    }

    @Test
    void passesRequestsForOwnedTargetsOnly() throws Exception {
        String filter = CaptureFilter.of(Set.of(IpAddress.parse("10.77.0.100"), IpAddress.parse("fd77::100")), OURS);

        assertThat(passes(filter, request("10.77.0.100"))).isTrue();
        assertThat(passes(filter, request("fd77::100"))).isTrue();
        assertThat(passes(filter, request("10.77.0.101"))).isFalse();
        assertThat(passes(filter, request("fd77::101"))).isFalse();
        assertThat(passes(filter, Frames.answer(new NeighborRequest(IpAddress.parse("10.77.0.100"), CLIENT,
                IpAddress.parse("10.77.0.50")), CLIENT))).as("a reply").isFalse();
        assertThat(passes(filter, Frames.announcement(IpAddress.parse("10.77.0.100"), OURS))).as("our own").isFalse();
    }

    @Test
    void theNothingFilterAndTheLongFilterCompile() throws Exception {
        assertThat(passes(CaptureFilter.NOTHING, request("10.77.0.100"))).isFalse();
        List<IpAddress> many = IntStream.range(0, 300).mapToObj(i -> IpAddress.parse("10.77.0.0").plus(i)).toList();
        assertThat(passes(CaptureFilter.of(many, OURS), request("10.77.0.100"))).isTrue();
        List<IpAddress> listed = IntStream.range(0, 100).mapToObj(i -> IpAddress.parse("fd77::").plus(i)).toList();
        assertThat(passes(CaptureFilter.of(listed, OURS), request("fd77::63"))).isTrue();
        assertThat(passes(CaptureFilter.of(listed, OURS), request("fd77::64"))).isFalse();
    }
}
