package io.openelb.ui;

import io.vertx.ext.web.Router;

/**
 * The UI's reads and writes, each made with the signed-in user's client ({@link UserClients}); see
 * {@code docs/ui.md} for the JSON. Reads: {@code GET /ui/api/overview}. Writes (403 when the UI is read-only;
 * the API server's refusal passed on with its status code and message): Eip create/update/delete with
 * {@code ?dryRun=true}, {@code POST /ui/api/eips/NAME/preview}, {@code PATCH /ui/api/services/NS/NAME}
 * (pool or requested address). Mounted behind {@link UiAuth}'s guard; blocking client calls never run on
 * the event loop.
 */
public final class UiData {
    public UiData(UserClients clients, UiSettings settings) {
    }

    public void mount(Router router) {
        throw new UnsupportedOperationException("not yet");
    }
}
