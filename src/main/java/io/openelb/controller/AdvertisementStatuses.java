package io.openelb.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.BgpAdvertisementObject.ShownCondition;
import io.openelb.model.BgpAdvertisementSet.Report;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller writes about BgpAdvertisements, decided from the reports of {@code BgpAdvertisementSet}
 * and the objects as watched: the status condition {@code Valid} of each object whose status says something
 * else, a Warning Event for each object that turns invalid (or whose problem changes), and one for the
 * community aliases of BgpConf {@code default} the advertisements cannot use. Pure; called on the
 * controller's event loop.
 *
 * <p>The status is the truth about what was said: an object whose status already shows the report gets no
 * write and no Event, also after a restart or a change of leader. A new leader knows no last valid version
 * (the set starts empty), so where it finds an invalid object it would call {@code InvalidSpec} while the
 * status, written by a leader that knew, says {@code InvalidSpecLastValidInEffect} for the same generation,
 * the status stays: the speakers that have run since still apply that version.
 */
final class AdvertisementStatuses {
    static final String VALID = "Valid";
    static final String LAST_VALID_IN_EFFECT = "InvalidSpecLastValidInEffect";
    static final String EVENT_REASON = "InvalidBgpAdvertisement";

    private AdvertisementStatuses() {}

    /**
     * An object's validity as its condition {@code Valid} says it.
     *
     * @param reason {@code Valid}, {@code InvalidSpecLastValidInEffect} or {@code InvalidSpec}
     */
    record Validity(boolean valid, String reason, String message, long observedGeneration) {
        static Validity of(Report report) {
            return new Validity(report.valid(), report.reason(), report.message(), report.generation());
        }

        /** What a condition shows; null when there is none or it is neither True nor False. */
        static Validity shown(ShownCondition shown) {
            if (shown == null || !("True".equals(shown.status()) || "False".equals(shown.status()))) {
                return null;
            }
            return new Validity("True".equals(shown.status()), Objects.requireNonNullElse(shown.reason(), ""),
                    Objects.requireNonNullElse(shown.message(), ""), shown.observedGeneration());
        }

        /** Whether both say the same to a reader, whatever generation they are about. */
        boolean says(Validity other) {
            return other != null && valid == other.valid && reason.equals(other.reason)
                    && message.equals(other.message);
        }
    }

    /** A condition to write into the status of an object (of this uid), saying {@code validity}. */
    record StatusWrite(String name, String uid, Validity validity, Condition valid) {}

    /** A Warning Event to record about an object. */
    record ValidityEvent(String name, String uid, String message) {}

    /** The validity to show for {@code report}: the report's, unless the status knows better (see the class). */
    static Validity desired(Report report, ShownCondition shownCondition) {
        Validity now = Validity.of(report);
        Validity shown = Validity.shown(shownCondition);
        boolean statusKnowsTheLastValid = !report.valid() && report.inEffect() == 0 && shown != null
                && !shown.valid() && LAST_VALID_IN_EFFECT.equals(shown.reason())
                && shown.observedGeneration() == report.generation();
        return statusKnowsTheLastValid ? shown : now;
    }

    /**
     * A validity this process told an object (identified by uid: one of the same name created again is
     * another), by an Event or a status write.
     */
    record Said(String uid, Validity validity) {
        /** Whether the object shows it now, or is another or gone: a write of it is not awaited any more. */
        boolean settled(BgpAdvertisementObject object) {
            return object == null || !Objects.equals(uid, object.uid())
                    || validity.equals(Validity.shown(object.shownValid()));
        }
    }

    /**
     * The conditions to write: one per reported object whose status shows something else and that has not
     * been written with the same validity already ({@code pending}: a status the watch has not brought back yet
     * is not written twice).
     */
    static List<StatusWrite> writes(Map<String, BgpAdvertisementObject> objects, Map<String, Report> reports,
            Map<String, Said> pending, Instant now) {
        List<StatusWrite> writes = new ArrayList<>();
        reports.forEach((name, report) -> {
            BgpAdvertisementObject object = objects.get(name);
            if (object == null) {
                return;
            }
            Validity desired = desired(report, object.shownValid());
            Validity shown = Validity.shown(object.shownValid());
            if (desired.equals(shown) || new Said(object.uid(), desired).equals(pending.get(name))) {
                return;
            }
            // a condition whose status stays keeps its lastTransitionTime
            String since = shown != null && shown.valid() == desired.valid()
                    ? object.shownValid().lastTransitionTime() : null;
            writes.add(new StatusWrite(name, object.uid(), desired,
                    condition(desired, Objects.requireNonNullElse(since, now.toString()))));
        });
        writes.sort(Comparator.comparing(StatusWrite::name));
        return writes;
    }

    /**
     * The Warning Event for an object whose validity now is invalid and says something else than what was said
     * before; none otherwise. What this process said is newer than the status, whose write may not have landed.
     *
     * @param before what this process said last to an object of this name; null when nothing. Else (or when
     *               that was another object of the name) the object's status tells what was said.
     */
    static Optional<ValidityEvent> event(BgpAdvertisementObject object, Said before, Validity now) {
        Validity said = before != null && Objects.equals(before.uid(), object.uid()) ? before.validity()
                : Validity.shown(object.shownValid());
        if (now.valid() || now.says(said)) {
            return Optional.empty();
        }
        return Optional.of(new ValidityEvent(object.name(), object.uid(), now.message()));
    }

    /**
     * The Warning Event message for the community-alias errors of BgpConf {@code default}: when there are some
     * and they are not those said last; none otherwise.
     */
    static Optional<String> aliasWarning(List<String> saidBefore, List<String> errors) {
        if (errors.isEmpty() || errors.equals(saidBefore)) {
            return Optional.empty();
        }
        return Optional.of("community aliases left out: " + String.join("; ", errors));
    }

    private static Condition condition(Validity validity, String lastTransitionTime) {
        return new ConditionBuilder().withType(VALID).withStatus(validity.valid() ? "True" : "False")
                .withReason(validity.reason()).withMessage(validity.message())
                .withObservedGeneration(validity.observedGeneration())
                .withLastTransitionTime(lastTransitionTime).build();
    }
}
