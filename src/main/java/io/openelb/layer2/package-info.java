/**
 * The speaker's Layer 2 half, the I/O shell around {@link io.openelb.announce.Layer2Plan}: the verticle
 * that recomputes ownership on every change, the JGroups membership that says which speakers are live,
 * and one pcap4j responder per interface that answers ARP/NDP on its own thread. Design and the windows
 * in which two nodes can answer: {@code docs/layer2.md}.
 */
package io.openelb.layer2;
