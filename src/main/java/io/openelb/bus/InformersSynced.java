package io.openelb.bus;

import java.util.List;

/** Every informer this process needs has listed its resources once; readiness may turn true. */
public record InformersSynced(List<ResourceKind> kinds) implements BusMessage {
    public InformersSynced {
        kinds = List.copyOf(kinds);
    }
}
