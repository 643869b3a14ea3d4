package dev.certsonar.aggregator.console;

import dev.certsonar.aggregator.http.ApiQueries;
import dev.certsonar.aggregator.http.ConsoleSessions;
import dev.certsonar.aggregator.http.HttpSettings;
import dev.certsonar.aggregator.http.RequestGuard;
import dev.certsonar.aggregator.http.ServiceIndex;
import dev.certsonar.aggregator.http.TargetSyntax;
import dev.certsonar.aggregator.http.WebServer;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console where writes need the token (as off loopback): anyone reads, a browser writes only after logging in with
 * the token on the login page, every form needs the session's CSRF token, and a login sends the browser back only to a
 * page of this site. The pages' values are escaped. A web server with the console's parts and an in-memory service
 * list, no Kafka.
 */
class ConsoleLoginTest {

    static final String TOKEN = "console-test-token-0123456789";
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final ServiceIndex index = new ServiceIndex();
    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    private WebServer server;

    @BeforeEach
    void start() {
        HttpSettings settings = new HttpSettings("127.0.0.1", 0, TOKEN, List.of());
        ConsoleSessions sessions = new ConsoleSessions(TOKEN, Clock.systemUTC());
        ApiQueries read = new ApiQueries(null, Clock.systemUTC());
        server = new WebServer(settings, new RequestGuard(settings, sessions, List.of()), List.of(
                new ConsolePages(index, read, null, sessions, settings, () -> true),
                new ConsoleActions(read, null, null, sessions, settings, TargetSyntax.JSON_ONLY, ExpiryPolicy.DEFAULT)));
        server.start();
        index.put("<script>alert(1)</script>", ServiceStatus.newBuilder().setService("<script>alert(1)</script>")
                .setOwner("<i>o</i>").setStatus(Status.CRITICAL).setNotAfter(Instant.now()).setUpdatedAt(Instant.now()).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anyoneReadsAndOnlyALoggedInBrowserWrites() throws Exception {
        HttpResponse<String> list = get("/services");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("Log in to make changes").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;i&gt;o&lt;/i&gt;").doesNotContain("<script>alert(1)");
        String csrf = csrf(get("/login").body());

        HttpResponse<String> refused = post("/targets", Map.of("_csrf", csrf, "target", "{\"host\":\"x.example\"}"));
        assertThat(refused.statusCode()).as("a write before logging in").isEqualTo(401);

        HttpResponse<String> wrong = post("/login", Map.of("_csrf", csrf, "token", "not-the-token-at-all", "next", "/services"));
        assertThat(wrong.statusCode()).isEqualTo(303);
        assertThat(wrong.headers().firstValue("Location")).contains("/login?next=%2Fservices");
        assertThat(get("/login").body()).contains("token: this is not the console's token").doesNotContain("Log out");

        HttpResponse<String> stale = post("/login", Map.of("token", TOKEN));
        assertThat(stale.statusCode()).isEqualTo(303);
        assertThat(get("/login").body()).as("no CSRF token: not logged in").contains("The login form was stale");

        HttpResponse<String> login = post("/login", Map.of("_csrf", csrf(get("/login").body()), "token", TOKEN, "next", "/services"));
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).contains("/services");
        String after = get("/services").body();
        assertThat(after).contains("Logged in").contains("Log out").doesNotContain("Log in to make changes");

        String token = csrf(after);
        HttpResponse<String> noCsrf = post("/targets", Map.of("target", "x.example"));
        assertThat(noCsrf.statusCode()).as("logged in, but without the CSRF token").isEqualTo(403);
        HttpResponse<String> write = post("/targets", Map.of("_csrf", token, "target", "x.example:443", "back", "/targets"));
        assertThat(write.statusCode()).as("the guard lets it through; the form's check answers").isEqualTo(303);
        assertThat(get("/services").body()).contains("target: this aggregator reads targets as the targets topic's JSON only");

        HttpResponse<String> elsewhere = post("/login", Map.of("_csrf", token, "token", TOKEN, "next", "//evil.example/"));
        assertThat(elsewhere.headers().firstValue("Location")).as("only to a page of this site").contains("/");
        assertThat(elsewhere.headers().firstValue("Location").orElseThrow()).doesNotContain("evil");

        HttpResponse<String> logout = post("/logout", Map.of("_csrf", csrf(get("/services").body())));
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(get("/services").body()).contains("Log in to make changes");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://127.0.0.1:" + server.port())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("the page carries a CSRF token").isTrue();
        return m.group(1);
    }
}
