package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class UiErrorTest {
    @Test
    void anApiServerRefusalKeepsItsCodeMessageAndCauses() {
        Status status = new StatusBuilder().withCode(422).withReason("Invalid")
                .withMessage("Eip.network.kubesphere.io \"p\" is invalid: spec.address: Invalid value")
                .withNewDetails().addNewCause().withField("spec.address").withMessage("must be one IP")
                .withReason("FieldValueInvalid").endCause().endDetails().build();

        UiError error = UiError.of(new KubernetesClientException("Failure executing: POST", 422, status));

        assertThat(error.status()).isEqualTo(422);
        assertThat(error.body()).isEqualTo(new JsonObject("""
                {"error": "Eip.network.kubesphere.io \\"p\\" is invalid: spec.address: Invalid value",
                 "causes": [{"field": "spec.address", "message": "must be one IP"}]}"""));
    }

    @Test
    void aRefusalWithoutCausesHasNone() {
        Status status = new StatusBuilder().withCode(403).withMessage("eips is forbidden").build();

        UiError error = UiError.of(new KubernetesClientException("x", 403, status));

        assertThat(error.status()).isEqualTo(403);
        assertThat(error.body()).isEqualTo(new JsonObject().put("error", "eips is forbidden"));
    }

    @Test
    void noAnswerFromTheApiServerIsABadGateway() {
        UiError error = UiError.of(new KubernetesClientException("connection refused"));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.body().getString("error")).isEqualTo("connection refused");
    }

    @Test
    void badInputIsA400AndTheRestA500() {
        assertThat(UiError.of(new DecodeException("not JSON")).status()).isEqualTo(400);
        assertThat(UiError.of(new IllegalArgumentException("name is required")).body().getString("error"))
                .isEqualTo("bad request: name is required");
        assertThat(UiError.of(new IllegalStateException("boom")).status()).isEqualTo(500);
        UiError own = new UiError(409, "taken");
        assertThat(UiError.of(own)).isSameAs(own);
    }
}
