package io.openelb.bench;

import io.openelb.ipam.AllocationRequest;
import io.openelb.ipam.AllocationResult;
import io.openelb.ipam.Allocator;
import io.openelb.ipam.FamilyPolicy;
import io.openelb.ipam.ServiceKey;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpFamily;
import io.openelb.model.PoolSet;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Allocations per second of the pure allocator: a pool half full (so the free-address search has
 * something to skip), then one Service allocated and released per operation. The baseline
 * {@code bitmapFloor} does the least any allocator must: find a clear bit in a bitmap of 65,536 addresses
 * holding the same addresses, set it, clear it (no Service bookkeeping, no families, no pools). Run by
 * {@code hack/bench/run.sh allocator}; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AllocatorBenchmark {
    @Param({"10.0.0.0/16", "2001:db8::/64"})
    public String pool;

    @Param({"30000"})
    public int held;

    private Allocator allocator;
    private AllocationRequest request;
    private final BitSet bitmap = new BitSet(1 << 16);

    @Setup(Level.Trial)
    public void fill() {
        PoolSet pools = PoolSet.of(List.of(new EipDefinition("bench", 0, pool, "bgp", "", false, 0, List.of("ns"),
                Map.of(), false, true)));
        allocator = new Allocator(pools.pools());
        IpFamily family = pools.pools().get(0).family();
        for (int i = 0; i < held; i++) {
            allocator.assign(request("s" + i, family));
        }
        bitmap.set(0, held);
        for (int i = 0; i < held; i += 2) {
            allocator.release(new ServiceKey("ns", "s" + i)); // holes, so the first free one is found by search
            bitmap.clear(i);
        }
        request = request("bench", family);
    }

    private static AllocationRequest request(String name, IpFamily family) {
        return new AllocationRequest(new ServiceKey("ns", name), "", List.of(), List.of(family),
                FamilyPolicy.SINGLE_STACK, Set.of(), "", Map.of());
    }

    @Benchmark
    public AllocationResult allocateAndRelease() {
        AllocationResult result = allocator.assign(request);
        allocator.release(request.service());
        return result;
    }

    @Benchmark
    public int bitmapFloor() {
        int free = bitmap.nextClearBit(0);
        bitmap.set(free);
        bitmap.clear(free);
        return free;
    }
}
