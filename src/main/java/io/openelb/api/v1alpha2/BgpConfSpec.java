package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** BgpConf spec, as OpenELB v0.6 writes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BgpConfSpec {
    /** Local AS of every speaker, unless {@link #asPerRack} names its rack. */
    public Long as;
    /** Rack (node label {@code openelb.kubesphere.io/rack}) to local AS. */
    public Map<String, Long> asPerRack;
    public String routerId;
    /** Port to listen on for incoming sessions; absent, 0 or -1: no listener. */
    public Integer listenPort;
    public List<String> listenAddresses;
    public List<Long> families;
    public Boolean useMultiplePaths;
    public GracefulRestart gracefulRestart;
    public String policy;
    /**
     * Names for communities, usable in BgpAdvertisements and Service annotations (not in OpenELB); read
     * from the BgpConf named {@code default}.
     */
    public List<CommunityAlias> communityAliases;

    /** A name for a standard or large community. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class CommunityAlias {
        public String name;
        /** {@code 65000:100}, {@code large:1:2:3} or {@code 1:2:3}, or a well-known name. */
        public String value;
    }
}
