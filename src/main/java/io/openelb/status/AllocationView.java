package io.openelb.status;

import java.util.List;

/** One held address of a pool and the Services ({@code namespace/name}) holding it (several when shared). */
public record AllocationView(String ip, List<String> services) {
    public AllocationView {
        services = List.copyOf(services);
    }
}
