/**
 * The speaker's Layer 2 half, the I/O shell around {@link io.openelb.announce.Layer2Plan}: the verticle
 * that recomputes ownership on every change from one read of its inputs, the JGroups membership that says
 * which speakers are live ({@code MembershipKeeper}), one pcap4j responder per interface that answers
 * ARP/NDP on its own thread, opened and closed on a worker ({@code ResponderSet}), and the table of the
 * addresses this node answers for, with the handover delay and the announcements ({@code Claims}). Design
 * and the windows in which two nodes can answer: {@code docs/layer2.md}.
 */
package io.openelb.layer2;
