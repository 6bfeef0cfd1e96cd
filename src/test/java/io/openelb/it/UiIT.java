package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.openelb.api.v1alpha2.Eip;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The management UI as a user meets it: the controller ({@code --ui-writes}) against the real API server, the
 * page in Debian's headless Chromium driven by Selenium. Two users sign in with their own ServiceAccount
 * tokens: an operator whose ClusterRole may manage Eips, and a viewer who may only read. Every write is
 * checked in the API server's audit log as the operator's own. Screenshots of each view are written to
 * {@code target/ui-screenshots} ({@code -Dui.screenshots=docs/ui} writes the committed ones).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiIT {
    private static final String POOL = "ui-it-pool";
    private static final String USERS = "ui-it-users";
    private static final String PEER = "ui-it-router";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * Chromium logs every 4xx answer to a fetch as a console error ("Failed to load resource"), also those the
     * page asks for and shows: "not signed in" (401 of the session probe), the API server's 422 of a dry run,
     * the 409 of a refused delete, a 403. Those only; a script error, a CSP violation, a missing file or any
     * 5xx still fails the test.
     */
    private static final java.util.regex.Pattern HANDLED_REFUSAL = java.util.regex.Pattern.compile(
            "/ui/api/\\S* - Failed to load resource: the server responded with a status of (401|403|409|422) ");
    private LocalCluster cluster;
    private OpenElbProcess controller;
    private IpamFixture f;
    private Path dir;
    private String operatorToken;
    private String viewerToken;
    private WebDriver browser;
    private String base;
    private AuditLog audit;
    private final List<String> consoleErrors = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        BrowserPage.ensureChromium();
        ensureChromeDriver();
        cluster = LocalCluster.get();
        IpamFixture.removeLeftovers(cluster.admin());
        cluster.admin().resources(Eip.class).withName(POOL).delete();
        dir = Files.createTempDirectory("ui-it");
        f = new IpamFixture(cluster.admin(), "ui");
        audit = new AuditLog(cluster.auditLog().orElseThrow(() -> new AssertionError(
                "the local API server must write its audit log (hack/cluster.sh, OPENELB_APISERVER_AUDIT)")));
        operatorToken = userWith("ui-operator", List.of(
                rule("network.kubesphere.io", List.of("eips"), "get", "list", "watch", "create", "update", "patch",
                        "delete"),
                rule("", List.of("services"), "get", "list", "watch", "patch"),
                rule("network.kubesphere.io", List.of("bgppeers"), "get", "list"),
                rule("", List.of("events"), "list")));
        viewerToken = userWith("ui-viewer", List.of(
                rule("network.kubesphere.io", List.of("eips", "bgppeers"), "get", "list", "watch"),
                rule("", List.of("services"), "get", "list", "watch")));
        controller = OpenElbProcess.start(cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir,
                "controller", "--role=controller", "--ui-writes").awaitReady(Duration.ofSeconds(60));
        base = "http://127.0.0.1:" + controller.httpPort;
        browser = chromium();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (f != null) {
            f.deleteServices();
        }
        if (cluster != null) {
            cluster.admin().resources(Eip.class).withName(POOL).delete();
            cluster.admin().resources(io.openelb.api.v1alpha2.BgpPeer.class).withName(PEER).delete();
        }
        if (controller != null) {
            assertThat(controller.stop()).as(controller.log()).isZero();
        }
    }

    /** Every page of every test: not one console error, uncaught exception or CSP violation. */
    @AfterEach
    void noConsoleErrors() {
        readConsole();
        assertThat(consoleErrors).as("the browser's console").isEmpty();
    }

    @Test
    @Order(1)
    void withoutASessionEveryApiPathAnswers401() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/ui/api/overview", "/ui/api/stream", "/ui/api/session")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET " + path).isEqualTo(401);
        }
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/eips"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form("ui-it-forged", "192.0.2.240/29"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode()).isEqualTo(401);
        assertThat(cluster.admin().resources(Eip.class).withName("ui-it-forged").get()).isNull();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-security-policy").orElse(""))
                .contains("script-src 'self'").contains("frame-ancestors 'none'");
    }

    @Test
    @Order(2)
    void theOperatorSignsInAndCreatesAPoolAfterTheFormShowedTheApiServersMessage() throws Exception {
        signIn(operatorToken, "ui-operator");
        screenshot("pools-empty");
        click("new-pool");
        type("f-name", POOL);
        type("f-namespaces", f.namespace);
        type("f-address", "192.0.2.300/28");
        WebElement error = waitFor(By.id("f-error"), e -> e.isDisplayed() && e.getText().contains(
                "must be one IP, a CIDR or a range"));
        assertThat(error.getText()).as("the CRD's own message, from a server-side dry run").contains("spec.address");
        screenshot("form-invalid");
        assertThat(cluster.admin().resources(Eip.class).withName(POOL).get()).as("a dry run stores nothing").isNull();

        type("f-address", "192.0.2.64/28");
        waitFor(By.id("f-ok"), WebElement::isDisplayed);
        audit.read();
        click("f-submit");
        waitFor(By.id("pool-" + POOL), WebElement::isDisplayed);

        Eip created = cluster.admin().resources(Eip.class).withName(POOL).get();
        assertThat(created.getSpec().address).isEqualTo("192.0.2.64/28");
        assertThat(created.getSpec().namespaces).containsExactly(f.namespace);
        assertThat(created.getMetadata().getManagedFields()).as("managedFields name the UI as the spec's manager")
                .anyMatch(m -> "openelb-ui".equals(m.getManager()));
        assertThat(writesBy("create", "eips")).as("the create in the audit log as the operator's own")
                .containsExactly("system:serviceaccount:" + USERS + ":ui-operator");
    }

    @Test
    @Order(3)
    void anAddressTheControllerAllocatesAppearsOnTheOpenPageWithinASecond() throws Exception {
        f.service("web", Map.of("eip.openelb.kubesphere.io/v1alpha2", POOL), 80);
        String address = ingress("web");
        for (long deadline = System.nanoTime() + WAIT.toNanos(); address == null; address = ingress("web")) {
            assertThat(System.nanoTime()).as("web's address within " + WAIT).isLessThan(deadline);
            Thread.sleep(10);
        }
        long allocated = System.nanoTime();
        By cell = By.cssSelector("#pool-" + POOL + " [data-ip='" + address + "']");
        new WebDriverWait(browser, WAIT, Duration.ofMillis(20)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
            List<WebElement> found = d.findElements(cell);
            return !found.isEmpty() && found.get(0).getAttribute("class").contains("used");
        });
        double seconds = (System.nanoTime() - allocated) / 1e9;
        System.out.printf("UI: %s allocated -> shown as used on the open page in %.3f s%n", address, seconds);
        f.service("api", Map.of("eip.openelb.kubesphere.io/v1alpha2", POOL), 80);
        IpamFixture.await(() -> ingress("api"), a -> a != null, "api's address");
        waitFor(By.id("pool-" + POOL), e -> e.getText().contains("api"));
        screenshot("pools");
        assertThat(seconds).as("live update, no reload").isLessThan(1.0);
    }

    @Test
    @Order(4)
    void disablingThePoolIsTheOperatorsUpdate() throws Exception {
        audit.read();
        click("toggle-" + POOL);
        IpamFixture.await(() -> cluster.admin().resources(Eip.class).withName(POOL).get().getSpec().disable,
                Boolean.TRUE::equals, "spec.disable true");
        assertThat(writesBy("update", "eips")).isNotEmpty()
                .allMatch(u -> u.equals("system:serviceaccount:" + USERS + ":ui-operator"));
        waitFor(By.id("pool-" + POOL), e -> e.getText().toLowerCase().contains("disabled"));
    }

    @Test
    @Order(5)
    void deletingAPoolInUseIsRefusedWithTheServicesThatHoldIt() throws Exception {
        click("delete-" + POOL);
        click("confirm-delete");
        WebElement refused = waitFor(By.id("delete-error"), e -> e.isDisplayed() && !e.getText().isBlank());
        assertThat(refused.getText()).contains(f.namespace + "/web").contains(f.namespace + "/api");
        screenshot("delete-refused");
        assertThat(cluster.admin().resources(Eip.class).withName(POOL).get()).as("still there").isNotNull();
    }

    @Test
    @Order(6)
    void theOtherViewsShowServicesPeersAndEvents() throws Exception {
        LocalCluster.Result peer = cluster.kubectlWithInput("""
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: %s}
                spec:
                  conf: {peerAs: 64512, neighborAddress: 10.77.0.1}
                """.formatted(PEER), "apply", "-f", "-");
        assertThat(peer.exitCode()).as(peer.stderr()).isZero();
        browser.navigate().refresh();
        for (String view : List.of("services", "peers", "events")) {
            click("tab-" + view);
            waitFor(By.id(view), WebElement::isDisplayed);
            screenshot(view);
        }
        click("tab-peers");
        waitFor(By.id("peers"), e -> e.getText().contains(PEER) && e.getText().contains("10.77.0.1"));
        click("tab-services");
        waitFor(By.id("services"), e -> e.getText().contains(f.namespace) && e.getText().contains(POOL));
    }

    @Test
    @Order(7)
    void aViewerSeesNoWriteButtonsAndTheBackendRefusesItsForgedWrite() throws Exception {
        click("sign-out");
        waitFor(By.id("token"), WebElement::isDisplayed);
        signIn(viewerToken, "ui-viewer");
        waitFor(By.id("pool-" + POOL), WebElement::isDisplayed);
        for (String id : List.of("new-pool", "edit-" + POOL, "toggle-" + POOL, "delete-" + POOL)) {
            assertThat(browser.findElements(By.id(id))).as("#" + id + " for a read-only user")
                    .allMatch(e -> !e.isDisplayed());
        }
        screenshot("read-only");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/session"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", viewerToken).encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(200);
        String cookie = signIn.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        String csrf = new JsonObject(signIn.body()).getString("csrfToken");
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/eips"))
                .header("content-type", "application/json").header("cookie", cookie).header("x-csrf-token", csrf)
                .POST(HttpRequest.BodyPublishers.ofString(form("ui-it-forged", "192.0.2.240/29"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(forged.body()).contains("forbidden");
        assertThat(cluster.admin().resources(Eip.class).withName("ui-it-forged").get()).isNull();
    }

    @Test
    @Order(8)
    void theOperatorsServiceMoveAndPoolDeleteAreTheirOwnWrites() throws Exception {
        click("sign-out");
        signIn(operatorToken, "ui-operator");
        click("tab-services");
        audit.read();
        String api = f.namespace + "/api";
        type("ask-" + api, "192.0.2.77");
        click("request-" + api);
        IpamFixture.await(() -> cluster.admin().services().inNamespace(f.namespace).withName("api").get()
                        .getMetadata().getAnnotations().get("eip.openelb.kubesphere.io/v1alpha1"),
                "192.0.2.77"::equals, "the requested address on the Service");
        assertThat(writesBy("patch", "services")).containsExactly("system:serviceaccount:" + USERS + ":ui-operator");

        f.deleteServices();
        click("tab-pools");
        click("delete-" + POOL);
        click("confirm-delete");
        IpamFixture.await(() -> cluster.admin().resources(Eip.class).withName(POOL).get(), e -> e == null,
                "the pool deleted once no Service holds its addresses");
        assertThat(writesBy("delete", "eips")).containsExactly("system:serviceaccount:" + USERS + ":ui-operator");
    }

    // --- the browser

    private WebDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void ensureChromeDriver() {
        if (Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            return;
        }
        LocalCluster.Result r = LocalCluster.run(List.of("sh", "-c", "apt-get install -y -qq chromium-driver "
                + "|| { apt-get update -qq && apt-get install -y -qq chromium-driver; }"),
                Map.of("DEBIAN_FRONTEND", "noninteractive"), 900);
        assertThat(r.exitCode()).as("apt-get install chromium-driver: %s", r.stderr()).isZero();
    }

    private void signIn(String token, String user) {
        browser.get(base + "/ui/");
        type("token", token);
        click("sign-in");
        waitFor(By.id("user"), e -> e.getText().contains(user));
        assertThat(((String) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return document.cookie + location.href + localStorage.length + sessionStorage.length")))
                .as("the token is in no script-readable cookie, URL or storage").doesNotContain(token);
    }

    private void click(String id) {
        act(id, e -> e.isDisplayed() && e.isEnabled(), WebElement::click);
    }

    private void type(String id, String text) {
        act(id, WebElement::isDisplayed, input -> {
            input.clear();
            input.sendKeys(text);
        });
    }

    /** Waits until the element is ready and acts on it, again if a live update redrew it meanwhile. */
    private void act(String id, java.util.function.Predicate<WebElement> ready,
            java.util.function.Consumer<WebElement> action) {
        new WebDriverWait(browser, WAIT, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    List<WebElement> found = d.findElements(By.id(id));
                    if (found.isEmpty() || !ready.test(found.get(0))) {
                        return false;
                    }
                    action.accept(found.get(0));
                    return true;
                });
    }

    private WebElement waitFor(By by, java.util.function.Predicate<WebElement> ready) {
        // a live update redraws the page between finding an element and reading it: look again then
        return new WebDriverWait(browser, WAIT, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
            List<WebElement> found = d.findElements(by);
            return !found.isEmpty() && ready.test(found.get(0)) ? found.get(0) : null;
        });
    }

    private void readConsole() {
        if (browser == null) {
            return;
        }
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !HANDLED_REFUSAL.matcher(entry.getMessage()).find()) {
                consoleErrors.add(entry.getMessage());
            }
        }
    }

    private void screenshot(String name) throws Exception {
        Path out = Path.of(System.getProperty("ui.screenshots", "target/ui-screenshots"));
        Files.createDirectories(out);
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, out.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    // --- the cluster

    private String userWith(String name, List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules) {
        var admin = cluster.admin();
        if (admin.namespaces().withName(USERS).get() == null) {
            admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(USERS).endMetadata().build()).create();
        }
        admin.serviceAccounts().inNamespace(USERS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(name).endMetadata().build()).createOr(x -> x.update());
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("openelb-" + name)
                .endMetadata().withRules(rules).build()).createOr(x -> x.update());
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("openelb-" + name).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "openelb-" + name)
                .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(USERS).endSubject()
                .build()).createOr(x -> x.update());
        return admin.serviceAccounts().inNamespace(USERS).withName(name)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    private static io.fabric8.kubernetes.api.model.rbac.PolicyRule rule(String group, List<String> resources,
            String... verbs) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resources).withVerbs(verbs).build();
    }

    private String ingress(String service) {
        var s = cluster.admin().services().inNamespace(f.namespace).withName(service).get();
        var ingress = s == null || s.getStatus().getLoadBalancer() == null ? null
                : s.getStatus().getLoadBalancer().getIngress();
        return ingress == null || ingress.isEmpty() ? null : ingress.get(0).getIp();
    }

    /** Users of the writes {@code verb resource} the UI made (user agent openelb-ui) since the last read. */
    private List<String> writesBy(String verb, String resource) throws InterruptedException {
        Thread.sleep(500); // the audit line is written when the response is complete
        return audit.read().stream()
                .filter(r -> r.verb().equals(verb) && r.resource().equals(resource) && r.subresource().isEmpty()
                        && r.userAgent().startsWith("openelb-ui"))
                .map(AuditLog.Request::user).toList();
    }

    private static String form(String name, String address) {
        return new JsonObject().put("name", name).put("address", address).put("protocol", "bgp").encode();
    }
}
