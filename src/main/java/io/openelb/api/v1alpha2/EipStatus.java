package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;

/** Eip status: OpenELB's fields plus standard conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class EipStatus {
    public Boolean occupied;
    public Long usage;
    /** Addresses the pool hands out; capped at 2^63-1 for IPv6 pools of a /64 or wider. */
    public Long poolSize;
    /**
     * IP to the Services holding it, as OpenELB writes it ({@code ns/name;ns/name2}); at most
     * 100 entries so the object stays small at any pool size ({@link #usage} is exact).
     */
    public Map<String, String> used;
    public String firstIP;
    public String lastIP;
    public Boolean ready;
    public Boolean v4;
    public List<Condition> conditions;
}
