package io.openelb.layer2;

import io.openelb.layer2.wire.MacAddress;

/** A network interface of this node that can carry Layer 2 answers. */
record Nic(String name, MacAddress mac) {}
