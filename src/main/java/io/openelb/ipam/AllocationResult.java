package io.openelb.ipam;

import java.util.List;

/** The outcome of {@link Allocator#assign}: every address the Service now holds, or why it holds none new. */
public sealed interface AllocationResult {

    /** The Service holds these addresses, in the order of its families. */
    record Assigned(List<Allocation> allocations) implements AllocationResult {
        public Assigned {
            allocations = List.copyOf(allocations);
        }
    }

    /** Nothing changed; the Service keeps what it held before, if anything. */
    record Failed(AllocationError error) implements AllocationResult {}
}
