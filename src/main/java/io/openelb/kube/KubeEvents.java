package io.openelb.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A core/v1 Event as {@code kubectl describe} shows it, for the controller's and the speaker's writers. */
public final class KubeEvents {
    /** Event times as the API server parses them: RFC 3339 in seconds, and with microseconds. */
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private KubeEvents() {}

    /**
     * One Event about {@code about}, in {@code namespace}, happening now.
     *
     * @param host the node the reporter runs on, or null
     */
    public static Event of(ObjectReference about, String namespace, String type, String reason, String message,
            String component, String instance, String host) {
        Instant at = Instant.now();
        return new EventBuilder()
                .withNewMetadata().withGenerateName(about.getName() + ".").withNamespace(namespace).endMetadata()
                .withInvolvedObject(about)
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(SECONDS.format(at))
                .withLastTimestamp(SECONDS.format(at))
                .withEventTime(new MicroTime(MICROS.format(at)))
                .withCount(1)
                .withReportingComponent(component)
                .withReportingInstance(instance)
                .withAction(reason)
                .withNewSource().withComponent(component).withHost(host).endSource()
                .build();
    }
}
