package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.openelb.controller.AdvertisementStatuses.Said;
import io.openelb.controller.AdvertisementStatuses.StatusWrite;
import io.openelb.controller.AdvertisementStatuses.Validity;
import io.openelb.controller.AdvertisementStatuses.ValidityEvent;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.BgpAdvertisementObject.ShownCondition;
import io.openelb.model.BgpAdvertisementSet;
import io.openelb.model.BgpAdvertisementSet.Report;
import io.openelb.model.CommunityAliases;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which conditions and Events the controller writes about BgpAdvertisements, from the reports of the
 * advertisement set and the objects as watched: nothing when the status already says it.
 */
class AdvertisementStatusesTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final String EARLIER = "2025-01-01T00:00:00Z";
    private static final CommunityAliases ALIASES = CommunityAliases.of(List.of(
            new CommunityAliases.Alias("transit", "65000:300")));

    @Test
    void aValidObjectWithoutStatusGetsValidTrue() {
        BgpAdvertisementObject a = object("a", 1, "transit", null);
        BgpAdvertisementSet set = BgpAdvertisementSet.of(List.of(a), ALIASES);

        List<StatusWrite> writes = writes(set, a);

        assertThat(writes).singleElement().satisfies(w -> {
            assertThat(w.name()).isEqualTo("a");
            assertThat(w.uid()).isEqualTo("uid-a");
            assertCondition(w.valid(), "True", "Valid", "in effect", 1, NOW.toString());
        });
        assertThat(event(a, set)).isEmpty();
    }

    @Test
    void anInvalidObjectGetsValidFalseWithTheProblemsAndAWarning() {
        BgpAdvertisementObject bad = object("bad", 2, "no-such-alias", null);
        BgpAdvertisementSet set = BgpAdvertisementSet.of(List.of(bad), ALIASES);

        List<StatusWrite> writes = writes(set, bad);

        String message = set.reports().get("bad").message();
        assertThat(message).startsWith("spec.communities[0]: 'no-such-alias' is not a community")
                .endsWith("not applied");
        assertThat(writes).singleElement().satisfies(w ->
                assertCondition(w.valid(), "False", "InvalidSpec", message, 2, NOW.toString()));
        assertThat(event(bad, set)).contains(new ValidityEvent("bad", "uid-bad", message));
    }

    @Test
    void anObjectWhoseStatusSaysTheReportGetsNoWriteAndNoEvent() {
        BgpAdvertisementSet valid = BgpAdvertisementSet.of(List.of(object("a", 1, "transit", null)), ALIASES);
        BgpAdvertisementObject shownValid = object("a", 1, "transit", shown(valid.reports().get("a")));
        BgpAdvertisementSet invalid = BgpAdvertisementSet.of(List.of(object("b", 1, "nope", null)), ALIASES);
        BgpAdvertisementObject shownInvalid = object("b", 1, "nope", shown(invalid.reports().get("b")));

        assertThat(writes(valid.next(List.of(shownValid), ALIASES), shownValid)).isEmpty();
        assertThat(writes(invalid.next(List.of(shownInvalid), ALIASES), shownInvalid)).isEmpty();
        assertThat(event(shownInvalid, invalid)).as("a restarted controller says it no more").isEmpty();
    }

    @Test
    void anInvalidEditOfAValidObjectKeepsTheLastValidVersionAndWarnsOnce() {
        BgpAdvertisementSet first = BgpAdvertisementSet.of(List.of(object("a", 1, "transit", null)), ALIASES);
        BgpAdvertisementObject edited = object("a", 2, "nope", shown(first.reports().get("a")));
        BgpAdvertisementSet second = first.next(List.of(edited), ALIASES);
        Report report = second.reports().get("a");

        assertThat(writes(second, edited)).singleElement().satisfies(w -> assertCondition(w.valid(), "False",
                "InvalidSpecLastValidInEffect", report.message(), 2, NOW.toString()));
        Optional<ValidityEvent> warning = event(edited, second);
        assertThat(warning).hasValueSatisfying(e -> assertThat(e.message()).contains("generation 1"));

        Said said = new Said("uid-a", Validity.of(report));
        assertThat(AdvertisementStatuses.event(edited, said, Validity.of(report)))
                .as("said already, before the status shows it").isEmpty();
    }

    @Test
    void aConditionWhoseStatusStaysKeepsItsTransitionTime() {
        BgpAdvertisementSet before = BgpAdvertisementSet.of(List.of(object("a", 1, "nope", null)), ALIASES);
        BgpAdvertisementObject stillInvalid = object("a", 2, "nope-again", shown(before.reports().get("a")));
        BgpAdvertisementSet after = before.next(List.of(stillInvalid), ALIASES);

        assertThat(writes(after, stillInvalid)).singleElement().satisfies(w -> assertCondition(w.valid(), "False",
                "InvalidSpec", after.reports().get("a").message(), 2, EARLIER));
        assertThat(event(stillInvalid, after)).as("another problem is told").isPresent();
    }

    @Test
    void aNewLeaderKeepsAStatusThatNamesTheLastValidVersionInEffect() {
        BgpAdvertisementSet knowing = BgpAdvertisementSet.of(List.of(object("a", 1, "transit", null)), ALIASES)
                .next(List.of(object("a", 2, "nope", null)), ALIASES);
        BgpAdvertisementObject watched = object("a", 2, "nope", shown(knowing.reports().get("a")));
        BgpAdvertisementSet newLeader = BgpAdvertisementSet.of(List.of(watched), ALIASES);

        assertThat(newLeader.reports().get("a").reason()).isEqualTo("InvalidSpec");
        assertThat(writes(newLeader, watched)).isEmpty();
        assertThat(event(watched, newLeader)).isEmpty();

        BgpAdvertisementObject editedAgain = object("a", 3, "nope", shown(knowing.reports().get("a")));
        BgpAdvertisementSet next = newLeader.next(List.of(editedAgain), ALIASES);
        assertThat(writes(next, editedAgain)).as("a later generation is this leader's to tell")
                .singleElement().satisfies(w -> assertThat(w.valid().getReason()).isEqualTo("InvalidSpec"));
    }

    @Test
    void aWriteOnItsWayIsNotMadeAgainButAnotherObjectOfTheNameIsWritten() {
        BgpAdvertisementObject a = object("a", 1, "transit", null);
        BgpAdvertisementSet set = BgpAdvertisementSet.of(List.of(a), ALIASES);
        StatusWrite first = writes(set, a).get(0);
        Map<String, Said> pending = Map.of("a", new Said(first.uid(), first.validity()));

        assertThat(AdvertisementStatuses.writes(Map.of("a", a), set.reports(), pending, NOW)).isEmpty();
        BgpAdvertisementObject recreated = withUid(a, "uid-other");
        assertThat(AdvertisementStatuses.writes(Map.of("a", recreated), set.reports(), pending, NOW)).hasSize(1);
        assertThat(pending.get("a").settled(a)).isFalse();
        assertThat(pending.get("a").settled(recreated)).isTrue();
        assertThat(pending.get("a").settled(object("a", 1, "transit", shown(set.reports().get("a"))))).isTrue();
        assertThat(pending.get("a").settled(null)).isTrue();
    }

    @Test
    void aliasErrorsAreToldWhenTheyChange() {
        List<String> errors = CommunityAliases.of(List.of(new CommunityAliases.Alias("Bad", "1:1"))).errors();

        assertThat(AdvertisementStatuses.aliasWarning(List.of(), errors))
                .hasValueSatisfying(m -> assertThat(m).contains("spec.communityAliases[0].name"));
        assertThat(AdvertisementStatuses.aliasWarning(errors, errors)).isEmpty();
        assertThat(AdvertisementStatuses.aliasWarning(errors, List.of())).isEmpty();
    }

    private static List<StatusWrite> writes(BgpAdvertisementSet set, BgpAdvertisementObject object) {
        return AdvertisementStatuses.writes(Map.of(object.name(), object), set.reports(), Map.of(), NOW);
    }

    private static Optional<ValidityEvent> event(BgpAdvertisementObject object, BgpAdvertisementSet set) {
        Validity now = AdvertisementStatuses.desired(set.reports().get(object.name()), object.shownValid());
        return AdvertisementStatuses.event(object, null, now);
    }

    /** The condition as the controller wrote it for {@code report}, at an earlier time. */
    private static ShownCondition shown(Report report) {
        return new ShownCondition(report.valid() ? "True" : "False", report.reason(), report.message(),
                report.generation(), EARLIER);
    }

    private static void assertCondition(Condition c, String status, String reason, String message, long generation,
            String since) {
        assertThat(c.getType()).isEqualTo("Valid");
        assertThat(c.getStatus()).isEqualTo(status);
        assertThat(c.getReason()).isEqualTo(reason);
        assertThat(c.getMessage()).isEqualTo(message);
        assertThat(c.getObservedGeneration()).isEqualTo(generation);
        assertThat(c.getLastTransitionTime()).isEqualTo(since);
    }

    private static BgpAdvertisementObject object(String name, long generation, String community, ShownCondition shown) {
        return new BgpAdvertisementObject(name, generation, List.of("pool-a"), null, List.of(), null, List.of(),
                List.of(community), null, null, null, null, "uid-" + name, shown);
    }

    private static BgpAdvertisementObject withUid(BgpAdvertisementObject o, String uid) {
        return new BgpAdvertisementObject(o.name(), o.generation(), o.eips(), o.eipSelector(), o.peers(),
                o.peerSelector(), o.nodeSelectors(), o.communities(), o.localPref(), o.med(), o.aggregationLength(),
                o.aggregationLengthV6(), uid, o.shownValid());
    }
}
