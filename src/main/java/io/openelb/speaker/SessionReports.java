package io.openelb.speaker;

import io.openelb.api.v1alpha2.BgpPeerStatus;

/** Where a session reports its state for BgpPeer status: the API server, or nowhere (benchmarks). */
interface SessionReports {
    void report(String peer, BgpPeerStatus.NodePeerStatus status);
}
