package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.cluster.EipDefinitions;
import io.openelb.controller.EipReports.Validity;
import io.openelb.controller.EipReports.ValidityEvent;
import io.openelb.ipam.Allocator;
import io.openelb.model.PoolSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which Event an Eip's validity gets, from the Eip as watched (its status condition {@code Valid} tells what
 * was said before, by this controller or the one before a restart) and the validation now.
 */
class EipReportsTest {

    @Test
    void anEipWhoseStatusShowsTheSameReasonGetsNoNewEventAfterARestart() {
        Eip first = eip("first", "192.0.2.0/28", 1);
        Eip second = eip("second", "198.51.100.0/28", 2);
        PoolSet pools = pools(first, second);
        second.setStatus(statusWritten(second, pools));

        assertThat(pools.invalid()).containsKey("second");
        assertThat(event(second, pools)).isEmpty();
    }

    @Test
    void anEipThatTurnsInvalidGetsAWarning() {
        Eip first = eip("first", "192.0.2.0/28", 1);
        Eip second = eip("second", "198.51.100.0/28", 2);
        second.setStatus(statusWritten(second, pools(second))); // valid while alone
        PoolSet pools = pools(first, second);

        assertThat(event(second, pools)).contains(new ValidityEvent("Warning", "InvalidEip",
                pools.invalid().get("second")));
    }

    @Test
    void aNewEipThatIsInvalidGetsAWarning() {
        Eip broken = eip("broken", "192.0.2.300", 1);

        assertThat(event(broken, pools(broken))).hasValueSatisfying(e -> {
            assertThat(e.type()).isEqualTo("Warning");
            assertThat(e.reason()).isEqualTo("InvalidEip");
        });
    }

    @Test
    void aChangedReasonGetsAWarningWithTheNewReason() {
        Eip first = eip("first", "192.0.2.0/28", 1);
        Eip second = eip("second", "198.51.100.0/28", 2);
        second.setStatus(statusWritten(second, pools(first, second))); // a second default
        second.getSpec().address = "192.0.2.8/29"; // now it overlaps the first too
        PoolSet pools = pools(first, second);

        assertThat(pools.invalid().get("second")).contains("overlaps");
        assertThat(event(second, pools)).contains(new ValidityEvent("Warning", "InvalidEip",
                pools.invalid().get("second")));
    }

    @Test
    void anEipWhoseStatusShowsItInvalidGetsANormalEventOnceValid() {
        Eip first = eip("first", "192.0.2.0/28", 1);
        Eip second = eip("second", "198.51.100.0/28", 2);
        second.setStatus(statusWritten(second, pools(first, second)));
        second.getMetadata().getAnnotations().remove(Annotations.DEFAULT_POOL);

        assertThat(event(second, pools(first, second)))
                .contains(new ValidityEvent("Normal", "ValidEip", "address 198.51.100.0/28 is valid"));
    }

    @Test
    void aValidEipGetsNoEventNewOrAfterARestart() {
        Eip alone = eip("alone", "192.0.2.0/28", 1);
        PoolSet pools = pools(alone);

        assertThat(event(alone, pools)).as("no status yet").isEmpty();
        alone.setStatus(statusWritten(alone, pools));
        assertThat(event(alone, pools)).as("status shows it valid").isEmpty();
    }

    @Test
    void whatThisProcessSaidLastCountsBeforeAStatusNotWrittenYet() {
        Validity invalid = new Validity(false, "address overlaps");
        Validity valid = new Validity(true, "address 192.0.2.0/28 is valid");

        assertThat(EipReports.validityEvent(invalid, invalid)).isEmpty();
        assertThat(EipReports.validityEvent(valid, invalid)).map(ValidityEvent::reason).contains("InvalidEip");
        assertThat(EipReports.validityEvent(invalid, valid)).map(ValidityEvent::reason).contains("ValidEip");
        assertThat(EipReports.validityEvent(valid, valid)).isEmpty();
    }

    /** The decision from the Eip as watched and the validation now, as the controller makes it after a restart. */
    private static Optional<ValidityEvent> event(Eip watched, PoolSet pools) {
        return EipReports.validityEvent(EipReports.shown(watched),
                Validity.of(watched.getMetadata().getName(), pools));
    }

    /** The status the controller writes for the Eip, with its condition Valid. */
    private static EipStatus statusWritten(Eip eip, PoolSet pools) {
        return EipStatuses.desired(eip, pools, new Allocator(pools.pools()), Instant.EPOCH);
    }

    private static PoolSet pools(Eip... eips) {
        return PoolSet.of(List.of(eips).stream().map(EipDefinitions::of).toList());
    }

    /** A default Eip, {@code age} seconds after the epoch: the older of two defaults stays valid. */
    private static Eip eip(String name, String address, int age) {
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName(name)
                .withCreationTimestamp(Instant.ofEpochSecond(age).toString())
                .withAnnotations(new HashMap<>(Map.of(Annotations.DEFAULT_POOL, "true")))
                .build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = address;
        return eip;
    }
}
