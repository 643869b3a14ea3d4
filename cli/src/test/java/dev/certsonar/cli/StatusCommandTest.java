package dev.certsonar.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StatusCommandTest {

    private static final String SERVICES = """
            [{"service":"payments-api","owner":"team-payments","status":"EXPIRED","notAfter":"2026-11-20T00:00:00Z",
              "daysLeft":-7.5,"endpoints":2,"problems":["certificate expired 7.5 days ago"]},
             {"service":"shop","owner":null,"status":"OK","notAfter":"2027-05-01T00:00:00Z","daysLeft":155.2,
              "endpoints":1,"problems":[]}]
            """;

    private HttpServer server;
    private String body = SERVICES;
    private int status = 200;

    @BeforeEach
    void startApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/services", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stopApi() {
        server.stop(0);
    }

    @Test
    void printsTheServicesWorstFirstAsTheApiOrdersThem() {
        CommandRun run = CommandRun.of("status", "--api", api() + "/");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).containsExactly(
                "STATUS   SERVICE       OWNER          DAYS LEFT  NOT AFTER             ENDPOINTS  PROBLEMS",
                "EXPIRED  payments-api  team-payments  -7.5       2026-11-20T00:00:00Z  2          certificate expired 7.5 days ago",
                "OK       shop          -              155.2      2027-05-01T00:00:00Z  1          -");
    }

    @Test
    void jsonIsTheApisArray() {
        CommandRun run = CommandRun.of("status", "--api", api(), "--json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("[{\"service\":\"payments-api\"");
    }

    @Test
    void anApiErrorOrNoApiIsReported() {
        status = 503;
        body = "{\"error\":\"not ready\"}";
        CommandRun notReady = CommandRun.of("status", "--api", api());
        server.stop(0);
        CommandRun unreachable = CommandRun.of("status", "--api", api());

        assertThat(notReady.exitCode()).isEqualTo(3);
        assertThat(notReady.err()).contains("answered 503: {\"error\":\"not ready\"}");
        assertThat(unreachable.exitCode()).isEqualTo(3);
        assertThat(unreachable.err()).contains("cannot reach the aggregator's API at " + api() + "/api/services");
    }

    private String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
