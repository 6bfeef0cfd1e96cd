package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * BgpAdvertisement spec. Names follow MetalLB's BGPAdvertisement where it has the field ({@code peers},
 * {@code nodeSelectors}, {@code communities}, {@code localPref}, {@code aggregationLength(V6)}) and OpenELB's
 * vocabulary for the pools: an OpenELB pool is an Eip, so {@code eips}/{@code eipSelector} rather than
 * MetalLB's {@code ipAddressPools}/{@code ipAddressPoolSelectors}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BgpAdvertisementSpec {
    /** Eips (protocol bgp) by name; with {@link #eipSelector} absent too, every BGP Eip. */
    public List<String> eips;
    /** Eips by label, besides those named in {@link #eips}. */
    public LabelSelector eipSelector;
    /** BgpPeers by name; with {@link #peerSelector} absent too, every BgpPeer. */
    public List<String> peers;
    /** BgpPeers by label, besides those named in {@link #peers}. */
    public LabelSelector peerSelector;
    /** Nodes that announce (any selector matching is enough); absent or empty, every node. */
    public List<LabelSelector> nodeSelectors;
    /** {@code 65000:100}, {@code large:1:2:3} or {@code 1:2:3}, a well-known name or a BgpConf alias. */
    public List<String> communities;
    /** LOCAL_PREF, sent on iBGP sessions only. */
    public Long localPref;
    /** MULTI_EXIT_DISC. */
    public Long med;
    /** Prefix length IPv4 addresses are announced with (0-32, default 32): shorter, the covering prefix. */
    public Integer aggregationLength;
    /** Prefix length IPv6 addresses are announced with (0-128, default 128): shorter, the covering prefix. */
    public Integer aggregationLengthV6;
}
