package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Eip spec, as OpenELB v0.6 writes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class EipSpec {
    /** One IP, a CIDR or a {@code first-last} range, IPv4 or IPv6. */
    public String address;
    /** {@code bgp} (default), {@code layer2} or {@code vip} (served as layer2). */
    public String protocol;
    /** NIC name or {@code can_reach:<ip>}; required for layer2. */
    @JsonProperty("interface")
    public String iface;
    public Boolean disable;
    public Boolean usingKnownIPs;
    /** Lower value is tried first when several pools admit a Service. */
    public Integer priority;
    public List<String> namespaces;
    public Map<String, String> namespaceSelector;
}
