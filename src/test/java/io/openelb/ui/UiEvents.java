package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import java.time.Instant;

/** Events for the UI's tests, shaped as the controller and the speakers write them (KubeEvents). */
final class UiEvents {
    private UiEvents() {}

    static Event onService(String key, String reason, String message, String host, Instant at) {
        String[] nsName = key.split("/", 2);
        return new EventBuilder().withNewMetadata().withNamespace(nsName[0]).withName(nsName[1] + "." + at.toEpochMilli()
                        + reason).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Service").withNamespace(nsName[0])
                .withName(nsName[1]).endInvolvedObject()
                .withType("Normal").withReason(reason).withMessage(message)
                .withEventTime(new MicroTime(at.toString())).withCount(1)
                .withReportingComponent("openelb-speaker")
                .withReportingInstance(host == null ? null : "openelb-speaker-" + host)
                .withNewSource().withComponent("openelb-speaker").withHost(host).endSource()
                .build();
    }

    static Event onOurs(String kind, String name, String reason, Instant at) {
        return new EventBuilder().withNewMetadata().withNamespace("default").withName(name + "." + at.toEpochMilli())
                .endMetadata()
                .withNewInvolvedObject().withApiVersion("network.kubesphere.io/v1alpha2").withKind(kind).withName(name)
                .endInvolvedObject()
                .withType("Warning").withReason(reason).withMessage(reason + " on " + name)
                .withLastTimestamp(at.toString()).withCount(2)
                .build();
    }
}
