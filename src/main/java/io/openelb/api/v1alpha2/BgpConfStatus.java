package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;

/** BgpConf status: what each speaker runs with, plus standard conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BgpConfStatus {
    public Map<String, NodeConfStatus> nodesConfStatus;
    public List<Condition> conditions;

    /** The router id and AS one node's speaker uses. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class NodeConfStatus {
        public String routerId;
        public Long as;
    }
}
