package io.openelb.status;

import java.util.List;

/**
 * This node's BGP speaker as BgpConf {@code default} configures it here.
 *
 * @param as              the local AS (BgpConf {@code as}, or this rack's under {@code asPerRack})
 * @param routerId        the BGP identifier, dotted quad ("" when there is none)
 * @param listenPort      port of the BGP listener, 0 when there is none
 * @param listenAddresses addresses the listener is bound to
 */
public record SpeakerView(long as, String routerId, int listenPort, List<String> listenAddresses) {
    public SpeakerView {
        listenAddresses = List.copyOf(listenAddresses);
    }
}
