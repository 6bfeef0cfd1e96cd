package io.openelb.speaker;

import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.model.IpAddress;

/** One BGP session this node's speaker should run: the router's address and port, and the session's settings. */
record PeerTarget(String name, IpAddress address, int port, SessionConfig config) {}
