package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.ui.view.ChangePreview;
import io.openelb.ui.view.EipInput;
import io.openelb.ui.view.ServiceInput;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The UI's writes, with the user's client: Eip create, update, delete (each with server-side dry run), the
 * preview of an edit, and a Service's pool or requested address. A refusal of the API server is thrown as it
 * came ({@link UiError#of} passes it on); a delete the preview refuses is a 409 without any delete call.
 * Blocking: called on a worker thread, never on the event loop.
 */
final class ClusterWrites {
    /** Updates made again after losing to a status write of the controller (a spec change is refused first). */
    static final int STATUS_RACE_ATTEMPTS = 3;
    private final PoolViews views;

    ClusterWrites(PoolViews views) {
        this.views = views;
    }

    /** {@code POST /ui/api/eips}: the created Eip (dry run: the one that would be) as a Pool. */
    JsonObject create(KubernetesClient client, JsonObject form, boolean dryRun) {
        Eip created = client.resources(Eip.class).resource(EipForms.created(form)).dryRun(dryRun).create();
        return pool(client, created);
    }

    /**
     * {@code PUT /ui/api/eips/NAME}: the form over the current Eip, guarded by the form's {@code generation}
     * (someone else's spec change since the form was opened is a 409). The controller's status writes change
     * the resourceVersion, not the spec: a write that lost to one is made again over the newer object.
     */
    JsonObject update(KubernetesClient client, String name, JsonObject form, boolean dryRun) {
        for (int attempt = 1; ; attempt++) {
            Eip edited = EipForms.edited(current(client, name), form);
            try {
                return pool(client, client.resources(Eip.class).resource(edited).dryRun(dryRun).update());
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == STATUS_RACE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** {@code POST /ui/api/eips/NAME/preview}: what the edit would do to the Services; changes nothing. */
    JsonObject preview(KubernetesClient client, String name, JsonObject form) {
        Eip current = current(client, name);
        EipInput before = EipForms.input(current);
        EipInput edited = EipForms.input(EipForms.edited(current, form));
        // the controller has not judged the edited spec yet
        EipInput after = new EipInput(edited.name(), edited.address(), edited.protocol(), edited.iface(),
                edited.disabled(), edited.priority(), edited.namespaces(), edited.namespaceSelector(),
                edited.isDefault(), edited.allowNetworkAndBroadcast(), null);
        return OverviewJson.preview(views.ofEdit(before, after, ClusterReads.loadBalancers(client)));
    }

    /** {@code DELETE /ui/api/eips/NAME}: refused (409, the preview) while Services hold its addresses. */
    JsonObject delete(KubernetesClient client, String name, boolean dryRun) {
        Eip current = current(client, name);
        ChangePreview preview = views.ofDelete(EipForms.input(current), ClusterReads.loadBalancers(client));
        if (preview.refused() != null) {
            throw new UiError(409, OverviewJson.preview(preview).put("error", preview.refused()));
        }
        client.resources(Eip.class).withName(name).dryRun(dryRun).delete();
        return new JsonObject();
    }

    /** {@code PATCH /ui/api/services/NS/NAME}: a JSON merge patch of the two annotations; the Service after. */
    JsonObject patchService(KubernetesClient client, String namespace, String name, JsonObject body,
            boolean dryRun) {
        String patch = ServiceRows.patch(body).encode();
        Service patched = client.services().inNamespace(namespace).withName(name).dryRun(dryRun)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        ServiceInput service = ServiceRows.input(patched);
        String protocol = service.pool().isEmpty() ? null : poolProtocol(client, service.pool());
        Holders holders = Holders.of(ClusterReads.orNone(
                () -> client.v1().events().inNamespace(namespace).list().getItems()));
        return OverviewJson.service(service, protocol, holders.of(service.key(), protocol));
    }

    private static Eip current(KubernetesClient client, String name) {
        Eip eip = client.resources(Eip.class).withName(name).get();
        if (eip == null) {
            throw new UiError(404, "Eip " + name + " not found");
        }
        return eip;
    }

    /** The protocol of the pool a Service names; null when the user may not read it or it does not exist. */
    private static String poolProtocol(KubernetesClient client, String pool) {
        List<Eip> eips = ClusterReads.orNone(() -> {
            Eip eip = client.resources(Eip.class).withName(pool).get();
            return eip == null ? List.of() : List.of(eip);
        });
        return eips.isEmpty() ? null : OverviewJson.protocol(EipForms.input(eips.get(0)));
    }

    /** An Eip as a Pool, its map drawn with the Services the user may list (none when forbidden). */
    private JsonObject pool(KubernetesClient client, Eip eip) {
        EipInput input = EipForms.input(eip);
        List<ServiceInput> services = ClusterReads.orNone(() -> ClusterReads.loadBalancers(client));
        return OverviewJson.pool(input, eip.getMetadata().getResourceVersion(),
                eip.getMetadata().getGeneration(), views.map(input, services));
    }
}
