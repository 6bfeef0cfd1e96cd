package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A page as headless Chromium showed it: its text once the wait condition held, and every console error,
 * uncaught exception and failed load on the way.
 */
record BrowserPage(String text, List<String> errors) {
    /** Debian's chromium, installed with apt when missing (as hack/lab.sh installs the routers). */
    static void ensureChromium() {
        if (LocalCluster.run(List.of("sh", "-c", "command -v chromium"), Map.of(), 10).exitCode() == 0) {
            return;
        }
        LocalCluster.Result r = LocalCluster.run(List.of("sh", "-c",
                "apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }"),
                Map.of("DEBIAN_FRONTEND", "noninteractive"), 900);
        assertThat(r.exitCode()).as("apt-get install chromium: %s", r.stderr()).isZero();
    }

    /** Loads {@code url} with {@link CdpProbe} (in {@code netns} unless null) until {@code waitFor} holds. */
    static BrowserPage load(String netns, String url, String waitFor) {
        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.addAll(List.of("ip", "netns", "exec", netns));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                Path.of("target", "test-classes").toAbsolutePath().toString(), CdpProbe.class.getName(), url,
                waitFor, "30000"));
        LocalCluster.Result result = LocalCluster.run(command, Map.of(), 90);
        assertThat(result.exitCode()).as("CdpProbe: %s", result.stderr()).isZero();
        String text = null;
        List<String> errors = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            if (line.startsWith("TEXT ")) {
                text = new JsonObject(line.substring(5)).getJsonObject("result").getJsonObject("result")
                        .getString("value");
            } else if (line.startsWith("CDP ")) {
                JsonObject event = new JsonObject(line.substring(4));
                String method = event.getString("method", "");
                JsonObject params = event.getJsonObject("params", new JsonObject());
                if (method.equals("Runtime.exceptionThrown")
                        || method.equals("Runtime.consoleAPICalled")
                                && List.of("error", "assert").contains(params.getString("type"))
                        || method.equals("Log.entryAdded")
                                && params.getJsonObject("entry").getString("level").equals("error")) {
                    errors.add(params.encode());
                }
            }
        }
        assertThat(text).as("the page's text: %s", result.stdout()).isNotNull();
        return new BrowserPage(text, errors);
    }
}
