package io.openelb.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a page in headless Chromium and reports what a user would see, over the DevTools protocol: every
 * protocol message as a {@code CDP <json>} line (console calls, uncaught exceptions, log entries such as
 * failed loads), and finally {@code TEXT <json string>}: the page's visible text once {@code waitFor} (a
 * JavaScript expression) is true or the timeout passed.
 *
 * <p>A main program with only the JDK, so that the IT can run it inside a lab node's network namespace
 * ({@code ip netns exec}), where the speaker's loopback HTTP endpoint is.
 *
 * <p>Usage: {@code CdpProbe URL WAIT_FOR_EXPRESSION TIMEOUT_MS}
 */
public final class CdpProbe {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Pattern PAGE_WS = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/page/[^\"]+)\"");

    private CdpProbe() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String waitFor = args[1];
        long timeoutMs = Long.parseLong(args[2]);
        Path profile = Files.createTempDirectory("cdp-probe");
        Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String browserWs = null;
            BufferedReader stderr = new BufferedReader(new InputStreamReader(chromium.getErrorStream(),
                    StandardCharsets.UTF_8));
            for (String line; browserWs == null && (line = stderr.readLine()) != null; ) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    browserWs = m.group(1);
                }
            }
            if (browserWs == null) {
                throw new IllegalStateException("chromium exited without a DevTools endpoint");
            }
            Thread drain = new Thread(() -> stderr.lines().forEach(l -> { }));
            drain.setDaemon(true);
            drain.start();
            URI browser = URI.create(browserWs);
            HttpClient http = HttpClient.newHttpClient();
            String targets = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getHost() + ":"
                    + browser.getPort() + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher page = PAGE_WS.matcher(targets);
            if (!page.find()) {
                throw new IllegalStateException("no page target: " + targets);
            }
            probe(http, URI.create(page.group(1)), url, waitFor, timeoutMs);
        } finally {
            chromium.destroy();
            if (!chromium.waitFor(5, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
            }
        }
    }

    private static void probe(HttpClient http, URI pageWs, String url, String waitFor, long timeoutMs)
            throws Exception {
        ConcurrentHashMap<Integer, CompletableFuture<String>> replies = new ConcurrentHashMap<>();
        Pattern replyId = Pattern.compile("^\\{\"id\":(\\d+),");
        WebSocket ws = http.newWebSocketBuilder().buildAsync(pageWs, new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    String text = message.toString();
                    message.setLength(0);
                    System.out.println("CDP " + text);
                    Matcher m = replyId.matcher(text);
                    if (m.find()) {
                        replies.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new CompletableFuture<>())
                                .complete(text);
                    }
                }
                socket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        AtomicInteger ids = new AtomicInteger();
        Cdp cdp = (method, params) -> {
            int id = ids.incrementAndGet();
            CompletableFuture<String> reply = replies.computeIfAbsent(id, k -> new CompletableFuture<>());
            ws.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).join();
            return reply.get(10, TimeUnit.SECONDS);
        };
        cdp.call("Runtime.enable", "{}");
        cdp.call("Log.enable", "{}");
        cdp.call("Page.enable", "{}");
        cdp.call("Page.navigate", "{\"url\":" + quote(url) + "}");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            String r = cdp.call("Runtime.evaluate", "{\"expression\":" + quote("Boolean(" + waitFor + ")")
                    + ",\"returnByValue\":true}");
            if (r.contains("\"value\":true")) {
                break;
            }
            Thread.sleep(250);
        }
        Thread.sleep(500); // late console output of the last refresh
        String text = cdp.call("Runtime.evaluate", "{\"expression\":\"document.body.innerText\",\"returnByValue\":true}");
        System.out.println("TEXT " + text);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    private interface Cdp {
        String call(String method, String params) throws Exception;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

}
