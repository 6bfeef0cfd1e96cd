/**
 * ARP (RFC 826, RFC 5227) and Neighbor Discovery (RFC 4861) frames as bytes, and the BPF filter
 * expression of the responder. Pure: imports only {@code java.*} and the model, tested without a device.
 */
package io.openelb.layer2.wire;
