package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ui.view.EipInput;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EipFormsTest {
    private static JsonObject form() {
        return new JsonObject("""
                {"name": "lab-pool", "address": "192.0.2.0/28", "protocol": "layer2", "interface": "eth0",
                 "disable": true, "priority": 3, "namespaces": ["shop"], "namespaceSelector": {"team": "a"},
                 "isDefault": true, "allowNetworkAndBroadcast": true, "resourceVersion": "7"}""");
    }

    @Test
    void aFormBecomesAnEipWithItsSpecAndTheTwoAnnotations() {
        Eip eip = EipForms.created(form());

        assertThat(eip.getMetadata().getName()).isEqualTo("lab-pool");
        assertThat(eip.getMetadata().getResourceVersion()).as("a new object has none").isNull();
        EipSpec spec = eip.getSpec();
        assertThat(spec.address).isEqualTo("192.0.2.0/28");
        assertThat(spec.protocol).isEqualTo("layer2");
        assertThat(spec.iface).isEqualTo("eth0");
        assertThat(spec.disable).isTrue();
        assertThat(spec.priority).isEqualTo(3);
        assertThat(spec.namespaces).containsExactly("shop");
        assertThat(spec.namespaceSelector).containsExactly(Map.entry("team", "a"));
        assertThat(eip.getMetadata().getAnnotations()).containsOnly(
                Map.entry(Annotations.DEFAULT_POOL, "true"), Map.entry(Annotations.ALLOW_NETWORK_AND_BROADCAST, "true"));
    }

    @Test
    void emptyFieldsAreLeftOutOfTheSpec() {
        Eip eip = EipForms.created(new JsonObject("""
                {"name": "p", "address": "192.0.2.1", "protocol": "", "interface": "", "disable": false,
                 "priority": 0, "namespaces": [], "namespaceSelector": {}, "isDefault": false}"""));

        EipSpec spec = eip.getSpec();
        assertThat(spec.protocol).isNull();
        assertThat(spec.iface).isNull();
        assertThat(spec.disable).isNull();
        assertThat(spec.priority).isNull();
        assertThat(spec.namespaces).isNull();
        assertThat(spec.namespaceSelector).isNull();
        assertThat(eip.getMetadata().getAnnotations()).isNull();
    }

    @Test
    void aFormWithoutNameOrWithWrongTypesIsBadInput() {
        assertThatThrownBy(() -> EipForms.created(new JsonObject("{\"address\": \"192.0.2.1\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> EipForms.created(new JsonObject("{\"name\": \"p\", \"namespaceSelector\": {\"a\": 1}}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EipForms.created(new JsonObject("{\"name\": \"p\", \"priority\": \"high\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("priority: expected integer");
        assertThatThrownBy(() -> EipForms.created(new JsonObject("{\"name\": \"p\", \"disable\": \"yes\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("disable: expected boolean");
        assertThatThrownBy(() -> EipForms.created(new JsonObject("{\"name\": 3}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name: expected string");
    }

    @Test
    void anEditKeepsOtherMetadataAndSpecFieldsAndTheCurrentResourceVersion() {
        Eip current = new Eip();
        current.setMetadata(new ObjectMetaBuilder().withName("lab-pool").withResourceVersion("9").withGeneration(4L)
                .withLabels(Map.of("owner", "netops"))
                .withAnnotations(Map.of("note", "keep me", Annotations.DEFAULT_POOL, "true")).build());
        current.setSpec(new EipSpec());
        current.getSpec().address = "192.0.2.0/24";
        current.getSpec().usingKnownIPs = true;
        current.getSpec().namespaces = List.of("old");

        Eip edited = EipForms.edited(current, new JsonObject("""
                {"name": "ignored", "address": "192.0.2.0/25", "isDefault": false, "generation": 4}"""));

        assertThat(edited.getMetadata().getName()).isEqualTo("lab-pool");
        assertThat(edited.getMetadata().getResourceVersion()).as("status writes since do not matter")
                .isEqualTo("9");
        assertThat(edited.getMetadata().getLabels()).containsExactly(Map.entry("owner", "netops"));
        assertThat(edited.getMetadata().getAnnotations()).containsExactly(Map.entry("note", "keep me"));
        assertThat(edited.getSpec().address).isEqualTo("192.0.2.0/25");
        assertThat(edited.getSpec().usingKnownIPs).isTrue();
        assertThat(edited.getSpec().namespaces).as("cleared by the form").isNull();
        assertThat(current.getMetadata().getAnnotations()).as("the current object is not changed")
                .containsKey(Annotations.DEFAULT_POOL);
    }

    @Test
    void anEditOfASpecSomeoneElseChangedSinceIsRefused() {
        Eip current = EipForms.created(form());
        current.getMetadata().setGeneration(5L);

        assertThatThrownBy(() -> EipForms.edited(current, new JsonObject("{\"address\": \"192.0.2.1\", "
                + "\"generation\": 4}"))).isInstanceOf(UiError.class)
                .hasMessageContaining("changed by someone else since you opened it");
    }

    @Test
    void anEditWithoutGenerationKeepsTheCurrentResourceVersion() {
        Eip current = EipForms.created(form());
        current.getMetadata().setResourceVersion("9");

        assertThat(EipForms.edited(current, new JsonObject("{\"address\": \"192.0.2.1\"}")).getMetadata()
                .getResourceVersion()).isEqualTo("9");
    }

    @Test
    void theInputCarriesDefaultsAndTheControllersRefusal() {
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName("bad").build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = "192.0.2.9-192.0.2.1";
        eip.setStatus(new EipStatus());
        eip.getStatus().conditions = List.of(new ConditionBuilder().withType("Valid").withStatus("False")
                .withReason("InvalidSpec").withMessage("first address after last").build());

        EipInput input = EipForms.input(eip);

        assertThat(input).isEqualTo(new EipInput("bad", "192.0.2.9-192.0.2.1", "", "", false, 0, List.of(),
                Map.of(), false, false, "first address after last"));
    }

    @Test
    void aValidPoolHasNoRefusal() {
        Eip eip = EipForms.created(form());
        eip.setStatus(new EipStatus());
        eip.getStatus().conditions = List.of(new ConditionBuilder().withType("Valid").withStatus("True")
                .withMessage("ok").build());

        EipInput input = EipForms.input(eip);

        assertThat(input.invalid()).isNull();
        assertThat(input).isEqualTo(new EipInput("lab-pool", "192.0.2.0/28", "layer2", "eth0", true, 3,
                List.of("shop"), Map.of("team", "a"), true, true, null));
    }
}
