package io.openelb.cluster;

import java.util.Set;

/**
 * An EndpointSlice as the planners need it.
 *
 * @param service    {@code namespace/name} of its Service, null when it names none
 * @param readyNodes nodes holding one of its ready endpoints
 */
public record SliceModel(String service, Set<String> readyNodes) {
    public SliceModel {
        readyNodes = Set.copyOf(readyNodes);
    }
}
