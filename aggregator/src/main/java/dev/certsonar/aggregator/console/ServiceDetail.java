package dev.certsonar.aggregator.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.certsonar.aggregator.http.ApiJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.certsonar.aggregator.console.ConsolePages.instant;
import static dev.certsonar.aggregator.console.ConsolePages.strings;
import static dev.certsonar.aggregator.console.ConsolePages.text;

/**
 * A service's page from {@code GET /api/services/{service}}: its endpoints, each distinct served chain once with the
 * endpoints that serve it (an endpoint's alternate chains too, with what their handshake offered), its conditions (and those accepted, with why), its rollout; and its alerts now and before.
 */
final class ServiceDetail {

    private ServiceDetail() {
    }

    static Views.ServicePage of(JsonNode s, Instant now, List<Views.Alert> alerts, List<Views.HistoryEvent> history) {
        Map<String, String> labels = new TreeMap<>();
        s.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        Instant notAfter = instant(s, "notAfter");
        Views.ServiceRow summary = new Views.ServiceRow(s.path("service").asText(), text(s, "owner"), s.path("status").asText(),
                notAfter, ApiJson.daysLeft(notAfter, now), s.path("endpointCount").asInt(s.path("endpoints").size()),
                strings(s.path("problems")), labels, s.path("acceptedConditions").size());

        Map<String, Views.Chain> chains = new LinkedHashMap<>();
        Map<String, List<String>> servedBy = new LinkedHashMap<>();
        List<JsonNode> endpointNodes = new ArrayList<>();
        s.path("endpoints").forEach(endpointNodes::add);
        for (JsonNode e : endpointNodes) {
            String key = chainKey(e.path("chain"));
            if (!key.isEmpty()) {
                servedBy.computeIfAbsent(key, k -> new ArrayList<>()).add(where(e));
            }
            for (JsonNode a : e.path("alternateChains")) {
                String alternate = chainKey(a.path("chain"));
                if (!alternate.isEmpty()) {
                    servedBy.computeIfAbsent(alternate, k -> new ArrayList<>()).add(where(e) + " (" + a.path("offered").asText() + ")");
                }
            }
        }
        int number = 0;
        for (JsonNode e : endpointNodes) {
            String key = chainKey(e.path("chain"));
            if (!key.isEmpty() && !chains.containsKey(key)) {
                List<Views.Cert> certs = new ArrayList<>();
                e.path("chain").forEach(c -> certs.add(cert(c, now)));
                chains.put(key, new Views.Chain(++number, servedBy.get(key), certs));
            }
        }
        for (JsonNode e : endpointNodes) {
            for (JsonNode a : e.path("alternateChains")) {
                String key = chainKey(a.path("chain"));
                if (!key.isEmpty() && !chains.containsKey(key)) {
                    List<Views.Cert> certs = new ArrayList<>();
                    a.path("chain").forEach(c -> certs.add(cert(c, now)));
                    chains.put(key, new Views.Chain(++number, servedBy.get(key), certs));
                }
            }
        }
        List<Views.Endpoint> endpoints = new ArrayList<>();
        for (JsonNode e : endpointNodes) {
            Views.Chain chain = chains.get(chainKey(e.path("chain")));
            endpoints.add(new Views.Endpoint(e.path("address").asText(""), e.path("port").asInt(), text(e, "sni"),
                    e.path("protocol").asText(), e.path("targetId").asText(), e.path("status").asText(), e.path("outcome").asText(),
                    text(e, "tlsVersion"), text(e, "cipherSuite"), instant(e, "notAfter"),
                    e.path("daysLeft").isNumber() ? e.path("daysLeft").asDouble() : null, instant(e, "lastObservedAt"),
                    text(e, "error"), strings(e.path("checks").path("problems")), chain == null ? 0 : chain.number(),
                    text(e, "zone"), text(e, "scannerId"), text(e, "held")));
        }
        List<Views.Condition> conditions = new ArrayList<>();
        s.path("conditions").forEach(c -> conditions.add(condition(c)));
        List<Views.Accepted> accepted = new ArrayList<>();
        s.path("acceptedConditions").forEach(a -> {
            Views.Condition c = condition(a.path("condition"));
            accepted.add(new Views.Accepted(c.condition(), c.level(), c.message(), a.path("exceptionId").asText(),
                    a.path("reason").asText(), text(a, "createdBy"), instant(a, "until")));
        });
        JsonNode r = s.path("rollout");
        Views.Rollout rollout = r.isObject() ? new Views.Rollout(text(r.path("newCertificate"), "subject"),
                strings(r.path("endpointsNew")), strings(r.path("endpointsOld")), instant(r, "since")) : null;
        return new Views.ServicePage(summary, instant(s, "updatedAt"), endpoints, List.copyOf(chains.values()), rollout,
                conditions, accepted, alerts, history, List.of(), List.of(), List.of(), null);
    }

    /** A condition of the API's JSON: {@code type} in a service status record, {@code condition} in the summary. */
    private static Views.Condition condition(JsonNode c) {
        String type = c.has("condition") ? c.path("condition").asText() : c.path("type").asText();
        return new Views.Condition(type, c.path("level").asText(), c.path("message").asText(), instant(c, "since"),
                c.path("consecutive").asInt(1), strings(c.path("endpoints")), text(c.path("certificate"), "subject"));
    }

    private static Views.Cert cert(JsonNode c, Instant now) {
        Instant notAfter = instant(c, "notAfter");
        return new Views.Cert(c.path("sha256").asText(), c.path("subject").asText(), text(c, "issuer"), text(c, "serial"),
                instant(c, "notBefore"), notAfter, ApiJson.daysLeft(notAfter, now), text(c, "keyAlgorithm"),
                c.path("keyBits").isNumber() ? c.path("keyBits").asInt() : null, text(c, "signatureAlgorithm"),
                strings(c.path("sans")));
    }

    /** The chain's fingerprints in order: endpoints that serve the same chain share it. */
    private static String chainKey(JsonNode chain) {
        StringBuilder b = new StringBuilder();
        chain.forEach(c -> b.append(c.path("sha256").asText()).append(' '));
        return b.toString();
    }

    private static String where(JsonNode e) {
        String address = e.path("address").asText("");
        String host = address.contains(":") ? "[" + address + "]" : address;
        String sni = text(e, "sni");
        return host + ":" + e.path("port").asInt() + (sni == null ? "" : " sni=" + sni);
    }
}
