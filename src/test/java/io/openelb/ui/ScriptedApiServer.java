package io.openelb.ui;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The CRUD mock API server with what the UI's tests need beyond it: answers scripted per method and path (a
 * 403 on a list, a 422 on a create), server-side dry run as the API server does it (the answer, nothing
 * stored), and the requests it got.
 */
final class ScriptedApiServer extends KubernetesCrudDispatcher {
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** The bodies of the requests that had one, in order. */
    final List<String> bodies = new CopyOnWriteArrayList<>();
    private final Map<String, MockResponse> scripted = new ConcurrentHashMap<>();

    /** Answers {@code METHOD /path} (query left out) with this status and JSON body from now on. */
    void answer(String method, String path, int status, String body) {
        scripted.put(method + " " + path, new MockResponse().setResponseCode(status)
                .setHeader("Content-Type", "application/json").setBody(body));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        requests.add(request.getMethod() + " " + path);
        if (request.getBody() != null && request.getBody().size() > 0) {
            bodies.add(new String(request.getBody().getBytes(), StandardCharsets.UTF_8)); // leaves it unread
        }
        String bare = path.split("\\?", 2)[0];
        MockResponse scriptedAnswer = scripted.get(request.getMethod() + " " + bare);
        if (scriptedAnswer != null) {
            return scriptedAnswer;
        }
        if (path.contains("dryRun=All")) {
            // what the API server would answer, without storing: the object sent, or the one stored
            return request.getMethod().equals("POST")
                    ? new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                            .setBody(bodies.get(bodies.size() - 1))
                    : handleGet(bare);
        }
        return super.dispatch(request);
    }

    /** The requests that would change something (every method but GET). */
    List<String> writes() {
        return requests.stream().filter(r -> !r.startsWith("GET ")).toList();
    }
}
