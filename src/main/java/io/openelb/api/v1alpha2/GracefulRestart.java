package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Graceful restart settings (RFC 4724), shared by BgpConf and BgpPeer as in OpenELB. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class GracefulRestart {
    public Boolean enabled;
    public Integer restartTime;
    public Boolean helperOnly;
    public Integer deferralTime;
    public Boolean notificationEnabled;
    public Boolean longlivedEnabled;
    public Integer staleRoutesTime;
    public Integer peerRestartTime;
    public Boolean peerRestarting;
    public Boolean localRestarting;
    public String mode;
}
