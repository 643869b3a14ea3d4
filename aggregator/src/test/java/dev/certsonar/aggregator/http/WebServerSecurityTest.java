package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.certsonar.schemas.InvalidValueException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The web server's guard, on a real server with one route to read and one to write: Host and Origin checks, the bearer
 * token, console sessions and their CSRF tokens, and errors that never show an exception.
 */
class WebServerSecurityTest {

    static final String TOKEN = "s3cret-token-0123456789";

    WebServer server;
    final List<String> writers = new ArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    int start(HttpSettings settings) {
        ConsoleSessions sessions = new ConsoleSessions(settings.token(), Clock.systemUTC());
        server = new WebServer(settings, new RequestGuard(settings, sessions, List.of()), List.of(
                config -> {
                    config.routes.get("/thing", ctx -> StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createObjectNode().put("ok", true)));
                    config.routes.post("/thing", ctx -> {
                        RequestGuard.Writer w = ctx.attribute(RequestGuard.WRITER);
                        writers.add(w.recordedAs());
                        StatusRoutes.json(ctx, 201, ApiJson.MAPPER.createObjectNode().put("by", w.recordedAs()));
                    });
                    config.routes.get("/bad", ctx -> {
                        throw new InvalidValueException("limit", "0 is out of range (1 to 10000)");
                    });
                    config.routes.get("/broken", ctx -> {
                        throw new IllegalStateException("secret internals at dev.certsonar.Something");
                    });
                },
                new SessionRoutes(sessions, settings)));
        server.start();
        return server.port();
    }

    static String host(int port) {
        return "Host: 127.0.0.1:" + port;
    }

    static RawHttp.Response get(int port, String path, String... headers) throws IOException {
        return RawHttp.send(port, "GET", path, List.of(headers), null);
    }

    static RawHttp.Response post(int port, String path, String body, String... headers) throws IOException {
        List<String> h = new ArrayList<>(List.of(headers));
        h.add("Content-Type: application/json");
        return RawHttp.send(port, "POST", path, h, body);
    }

    static JsonNode json(RawHttp.Response r) throws IOException {
        return ApiJson.MAPPER.readTree(r.body());
    }

    @ParameterizedTest(name = "Host {0}")
    @CsvSource(delimiter = ';', nullValues = "none", textBlock = """
            127.0.0.1:%d         ; 200
            localhost:%d         ; 200
            [::1]:%d             ; 200
            attacker.example:%d  ; 400
            192.0.2.7:%d         ; 400
            none                 ; 400
            """)
    void onlyThisServersNamesAreAnswered(String hostHeader, int status) throws IOException {
        int port = start(HttpSettings.DEFAULT.withPort(0));
        RawHttp.Response r = hostHeader == null ? get(port, "/thing") : get(port, "/thing", "Host: " + hostHeader.formatted(port));
        assertThat(r.status()).isEqualTo(status);
        if (status == 400 && hostHeader != null) {
            assertThat(json(r).path("error").asText()).contains("does not answer to the host").contains("http.allowedHosts");
        }
    }

    @Test
    void anAllowedHostIsAnsweredAndItsOriginAccepted() throws IOException {
        int port = start(HttpSettings.DEFAULT.withPort(0).withAllowedHosts(List.of("Certsonar.Internal")));
        assertThat(get(port, "/thing", "Host: certsonar.internal").status()).isEqualTo(200);
        assertThat(get(port, "/thing", "Host: certsonar.internal", "Origin: https://certsonar.internal").status()).isEqualTo(200);
    }

    /** Its own origin is answered; another site, the same host on another port and the null origin are refused. */
    @ParameterizedTest(name = "Origin {0}")
    @CsvSource(delimiter = ';', textBlock = """
            http://127.0.0.1:%d       ; 200
            https://attacker.example  ; 403
            http://127.0.0.1:1        ; 403
            null                      ; 403
            """)
    void aPageOfAnotherSiteCannotRead(String origin, int status) throws IOException {
        int port = start(HttpSettings.DEFAULT.withPort(0));
        assertThat(get(port, "/thing", host(port), "Origin: " + origin.formatted(port)).status()).isEqualTo(status);
    }

    @Test
    void onLoopbackWithoutATokenAProgramWritesAsLocal() throws IOException {
        int port = start(HttpSettings.DEFAULT.withPort(0));
        RawHttp.Response r = post(port, "/thing", "{}", host(port));
        assertThat(r.status()).isEqualTo(201);
        assertThat(json(r).path("by").asText()).isEqualTo("local");
    }

    @Test
    void aBrowserWriteNeedsItsSessionAndTheCsrfToken() throws IOException {
        int port = start(HttpSettings.DEFAULT.withPort(0));
        String origin = "Origin: http://127.0.0.1:" + port;

        RawHttp.Response noSession = post(port, "/thing", "{}", host(port), origin);
        assertThat(noSession.status()).isEqualTo(403);
        assertThat(json(noSession).path("error").asText()).contains("session");

        RawHttp.Response session = get(port, "/api/session", host(port));
        String cookie = session.cookie();
        assertThat(session.header("set-cookie")).contains("HttpOnly").contains("SameSite=Strict");
        String csrf = json(session).path("csrfToken").asText();
        assertThat(json(session).path("writesNeedLogin").asBoolean()).isFalse();

        RawHttp.Response noToken = post(port, "/thing", "{}", host(port), origin, "Cookie: " + cookie);
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(json(noToken).path("error").asText()).contains("CSRF");

        RawHttp.Response wrongToken = post(port, "/thing", "{}", host(port), origin, "Cookie: " + cookie,
                ConsoleSessions.CSRF_HEADER + ": " + csrf + "x");
        assertThat(wrongToken.status()).isEqualTo(403);

        RawHttp.Response forged = post(port, "/thing", "{}", host(port), origin, "Cookie: " + cookie.replace('A', 'B') + "A",
                ConsoleSessions.CSRF_HEADER + ": " + csrf);
        assertThat(forged.status()).as("a cookie not signed by the server is no session").isEqualTo(403);

        RawHttp.Response ok = post(port, "/thing", "{}", host(port), origin, "Cookie: " + cookie, ConsoleSessions.CSRF_HEADER + ": " + csrf);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(json(ok).path("by").asText()).isEqualTo("console");

        RawHttp.Response form = RawHttp.send(port, "POST", "/thing", List.of(host(port), origin, "Cookie: " + cookie,
                "Content-Type: application/x-www-form-urlencoded"), ConsoleSessions.CSRF_FIELD + "=" + csrf);
        assertThat(form.status()).as("the token as a form field").isEqualTo(201);
    }

    @Test
    void aWriteFromAnotherSiteIsRefusedWhateverItCarries() throws IOException {
        int port = start(HttpSettings.DEFAULT.withPort(0));
        RawHttp.Response session = get(port, "/api/session", host(port));
        RawHttp.Response r = post(port, "/thing", "{}", host(port), "Origin: https://attacker.example", "Cookie: " + session.cookie(),
                ConsoleSessions.CSRF_HEADER + ": " + json(session).path("csrfToken").asText());
        assertThat(r.status()).isEqualTo(403);
        assertThat(writers).isEmpty();
    }

    @Test
    void offLoopbackWritesNeedTheBearerToken() throws IOException {
        int port = start(new HttpSettings("0.0.0.0", 0, TOKEN, List.of()));
        assertThat(get(port, "/thing", host(port)).status()).as("reads stay open").isEqualTo(200);

        RawHttp.Response none = post(port, "/thing", "{}", host(port));
        assertThat(none.status()).isEqualTo(401);
        assertThat(json(none).path("error").asText()).contains("Authorization: Bearer");

        assertThat(post(port, "/thing", "{}", host(port), "Authorization: Bearer wrong-token-0123456789").status()).isEqualTo(401);
        assertThat(post(port, "/thing", "{}", host(port), "Authorization: Basic dXNlcjpwYXNz").status()).isEqualTo(401);

        RawHttp.Response ok = post(port, "/thing", "{}", host(port), "Authorization: Bearer " + TOKEN);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(json(ok).path("by").asText()).isEqualTo("token");

        assertThat(get(port, "/thing", "Host: 192.0.2.7:" + port).status())
                .as("bound everywhere, an address is answered: no DNS name can be rebound to one").isEqualTo(200);
        assertThat(get(port, "/thing", "Host: attacker.example").status()).isEqualTo(400);
    }

    @Test
    void aConsoleSessionLogsInWithTheTokenThenWritesWithItsCsrfToken() throws IOException {
        int port = start(new HttpSettings("0.0.0.0", 0, TOKEN, List.of()));
        String origin = "Origin: http://127.0.0.1:" + port;
        RawHttp.Response anonymous = get(port, "/api/session", host(port));
        String csrf = json(anonymous).path("csrfToken").asText();
        assertThat(json(anonymous).path("writesNeedLogin").asBoolean()).isTrue();

        RawHttp.Response notLoggedIn = post(port, "/thing", "{}", host(port), origin, "Cookie: " + anonymous.cookie(),
                ConsoleSessions.CSRF_HEADER + ": " + csrf);
        assertThat(notLoggedIn.status()).isEqualTo(401);

        RawHttp.Response wrong = post(port, "/api/session", "{\"token\":\"not-the-token-0000\"}", host(port), origin);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(json(wrong).path("field").asText()).isEqualTo("token");

        RawHttp.Response login = post(port, "/api/session", "{\"token\":\"" + TOKEN + "\"}", host(port), origin);
        assertThat(login.status()).isEqualTo(200);
        assertThat(json(login).path("authenticated").asBoolean()).isTrue();
        RawHttp.Response ok = post(port, "/thing", "{}", host(port), origin, "Cookie: " + login.cookie(),
                ConsoleSessions.CSRF_HEADER + ": " + json(login).path("csrfToken").asText());
        assertThat(ok.status()).isEqualTo(201);
        assertThat(json(ok).path("by").asText()).isEqualTo("console");
    }

    @Test
    void withoutATokenTheServerRefusesToListenOffLoopback() {
        assertThatExceptionOfType(InvalidValueException.class)
                .isThrownBy(() -> new HttpSettings("0.0.0.0", 8080, null, List.of()))
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("token");
                    assertThat(e.getMessage()).contains("http.token").contains("--http-bind");
                });
        assertThat(new HttpSettings("0.0.0.0", -1, null, List.of()).port()).as("no HTTP, no token needed").isEqualTo(-1);
    }

    @Test
    void errorsNameTheFieldAndNeverShowAnException() throws IOException {
        int port = start(HttpSettings.DEFAULT.withPort(0));
        RawHttp.Response bad = get(port, "/bad", host(port));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(json(bad).path("field").asText()).isEqualTo("limit");
        assertThat(json(bad).path("error").asText()).isEqualTo("limit: 0 is out of range (1 to 10000)");

        RawHttp.Response broken = get(port, "/broken", host(port));
        assertThat(broken.status()).isEqualTo(500);
        assertThat(json(broken).path("error").asText()).startsWith("internal error (request ");
        assertThat(broken.body()).doesNotContain("secret").doesNotContain("Exception").doesNotContain("dev.certsonar");

        RawHttp.Response missing = get(port, "/nowhere", host(port));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(json(missing).path("error").asText()).isEqualTo("no such path: /nowhere");
        assertThat(missing.header("cache-control")).isEqualTo("no-store");
        assertThat(missing.header("x-frame-options")).isEqualTo("DENY");
    }
}
