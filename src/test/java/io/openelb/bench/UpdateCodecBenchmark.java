package io.openelb.bench;

import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.PathAttribute;
import io.openelb.bgp.codec.Prefix;
import io.openelb.bgp.codec.Update;
import io.openelb.bgp.codec.UpdatePacker;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BGP UPDATE codec, in host prefixes per second: {@code encode} packs {@link #PREFIXES} /32s (/128s)
 * into UPDATEs and encodes them as the speaker does on a new session; {@code decode} decodes those frames;
 * {@code copyFloor} only copies the same bytes once (the baseline: no codec can beat touching each
 * byte). Run by {@code hack/bench/run.sh codec}; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UpdateCodecBenchmark {
    static final int PREFIXES = 10_000;

    @Param({"IPV4", "IPV6"})
    public IpFamily family;

    private List<Prefix> prefixes;
    private IpAddress nextHop;
    private List<byte[]> frames;
    private byte[] sink;

    @Setup(Level.Trial)
    public void prepare() {
        prefixes = new ArrayList<>();
        for (int i = 0; i < PREFIXES; i++) {
            prefixes.add(Prefix.host(IpAddress.parse(family == IpFamily.IPV4
                    ? "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)
                    : "2001:db8::" + Integer.toHexString(i))));
        }
        nextHop = IpAddress.parse(family == IpFamily.IPV4 ? "10.77.0.11" : "fd77::11");
        frames = encodeAll();
        sink = new byte[frames.stream().mapToInt(f -> f.length).sum()];
    }

    private List<byte[]> encodeAll() {
        List<byte[]> out = new ArrayList<>();
        for (Update u : UpdatePacker.announce(family, PathAttribute.AsPath.sequence(64513), nextHop, List.of(), prefixes,
                true)) {
            out.add(BgpCodec.encode(u, true));
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(PREFIXES)
    public List<byte[]> encode() {
        return encodeAll();
    }

    @Benchmark
    @OperationsPerInvocation(PREFIXES)
    public int decode() {
        int messages = 0;
        for (byte[] frame : frames) {
            messages += BgpCodec.decode(frame, true) instanceof Update ? 1 : 0;
        }
        return messages;
    }

    @Benchmark
    @OperationsPerInvocation(PREFIXES)
    public byte[] copyFloor() {
        int at = 0;
        for (byte[] frame : frames) {
            System.arraycopy(frame, 0, sink, at, frame.length);
            at += frame.length;
        }
        return sink;
    }
}
