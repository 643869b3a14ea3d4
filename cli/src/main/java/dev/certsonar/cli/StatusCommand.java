package dev.certsonar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.config.ConfigLoader;
import dev.certsonar.cli.config.ConfigOverrides;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code certsonar status}: the services table of the aggregator's HTTP API, worst first. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Print the services and their certificate status, worst first, from the aggregator's HTTP API.")
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--api", paramLabel = "URL",
            description = "The aggregator's HTTP API (default: http://127.0.0.1:PORT with http.port of the configuration, 8080).")
    String api;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: the file $CERTSONAR_CONFIG names, else none).")
    Path configFile;

    @Option(names = "--json", description = "Print the API's JSON array as it is.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String base = api != null ? api : defaultApi();
        URI services;
        try {
            services = URI.create(base.replaceAll("/+$", "") + "/api/services");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--api: \"" + base + "\" is not a URL");
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(services).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConfigException("cannot reach the aggregator's API at " + services + ": " + e
                    + " (is `certsonar run` or `certsonar aggregator` running? --api URL names another)");
        }
        if (response.statusCode() != 200) {
            throw new ConfigException("the aggregator's API at " + services + " answered " + response.statusCode()
                    + (response.body().isBlank() ? "" : ": " + response.body().strip()));
        }
        JsonNode array = JSON.readTree(response.body());
        if (!array.isArray()) {
            throw new ConfigException("the aggregator's API at " + services + " did not answer with a JSON array");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(array));
        } else {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("STATUS", "SERVICE", "OWNER", "DAYS LEFT", "NOT AFTER", "ENDPOINTS", "PROBLEMS"));
            for (JsonNode service : array) {
                List<String> problems = new ArrayList<>();
                service.path("problems").forEach(p -> problems.add(p.asText()));
                rows.add(List.of(text(service, "status"), text(service, "service"), text(service, "owner"),
                        text(service, "daysLeft"), text(service, "notAfter"), text(service, "endpoints"),
                        problems.isEmpty() ? "-" : String.join("; ", problems)));
            }
            Table.print(out, rows);
            if (array.isEmpty()) {
                spec.commandLine().getErr().println("no services yet (targets are scanned when the aggregator schedules them)");
            }
        }
        out.flush();
        return 0;
    }

    private String defaultApi() {
        CertsonarConfig config = new ConfigLoader(System.getenv()).load(configFile, ConfigOverrides.NONE);
        String host = config.http().bind();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + config.http().port();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? "-" : value.asText();
    }
}
