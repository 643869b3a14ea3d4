package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.aggregator.state.StateKeys;
import dev.certsonar.schemas.avro.AcceptedCondition;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Rollout;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.ObservationJson;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The JSON of the HTTP API, built from the state stores' values. */
public final class ApiJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final double MILLIS_PER_DAY = Duration.ofDays(1).toMillis();

    /** Worst status first, then the earliest notAfter, then the name. */
    public static final Comparator<ServiceStatus> WORST_FIRST = Comparator
            .comparingInt((ServiceStatus s) -> -severity(s.getStatus()))
            .thenComparing(ServiceStatus::getNotAfter, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ServiceStatus::getService);

    private ApiJson() {
    }

    /** Severity of a status: OK 0 … EXPIRED 6; an unknown status counts as the worst. */
    public static int severity(Status status) {
        return status == Status.UNKNOWN ? Status.EXPIRED.ordinal() + 1 : status.ordinal();
    }

    /**
     * One line of {@code GET /api/services}: service, owner, status, notAfter, daysLeft, endpoints (count), problems;
     * and labels, the conditions' types, how many conditions are accepted, and when the status was computed.
     */
    public static ObjectNode summary(ServiceStatus s, Instant now) {
        return summary(ServiceIndex.Row.of(s), now);
    }

    /** {@link #summary(ServiceStatus, Instant)} of a row of the service list. */
    public static ObjectNode summary(ServiceIndex.Row r, Instant now) {
        ObjectNode n = NODES.objectNode();
        n.put("service", r.service());
        n.put("owner", r.owner());
        n.put("status", r.status().name());
        n.put("notAfter", text(r.notAfter()));
        putDaysLeft(n, r.notAfter(), now);
        n.put("endpoints", r.endpoints());
        ArrayNode problems = n.putArray("problems");
        r.problems().forEach(problems::add);
        ObjectNode labels = n.putObject("labels");
        new java.util.TreeMap<>(r.labels()).forEach(labels::put);
        ArrayNode conditions = n.putArray("conditions");
        r.conditions().forEach(conditions::add);
        n.put("accepted", r.accepted());
        n.put("updatedAt", text(r.updatedAt()));
        ArrayNode zones = n.putArray("zones");
        r.zones().forEach(zones::add);
        return n;
    }

    /** One leaf certificate of the inventory, with every service and endpoint that serves it. */
    public static ObjectNode inventoryCertificate(ServiceIndex.CertificateRow c, Instant now) {
        ObjectNode n = ref(c.sha256(), c.subject(), c.issuer(), c.notBefore(), c.notAfter());
        putDaysLeft(n, c.notAfter(), now);
        n.put("keyAlgorithm", c.keyAlgorithm());
        n.set("keyBits", c.keyBits() == null ? NODES.nullNode() : NODES.numberNode(c.keyBits()));
        ArrayNode services = n.putArray("services");
        ArrayNode endpoints = n.putArray("endpoints");
        c.endpointsByService().forEach((service, eps) -> {
            services.add(service);
            eps.forEach(e -> endpoints.addObject().put("service", service).put("endpoint", e));
        });
        return n;
    }

    /**
     * A record of the schemas (an accepted exception, a silence, an alert's state) as JSON with the record's field names:
     * times as ISO-8601 text, enums as their names, maps as objects, bytes left out.
     */
    public static JsonNode record(IndexedRecord record) {
        if (record == null) {
            return NODES.nullNode();
        }
        ObjectNode n = NODES.objectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            Object v = record.get(f.pos());
            if (!(v instanceof ByteBuffer)) {
                n.set(f.name(), value(v));
            }
        }
        return n;
    }

    private static JsonNode value(Object v) {
        return switch (v) {
            case null -> NODES.nullNode();
            case IndexedRecord r -> record(r);
            case Instant t -> NODES.textNode(t.toString());
            case Enum<?> e -> NODES.textNode(e.name());
            case GenericEnumSymbol<?> e -> NODES.textNode(e.toString());
            case CharSequence cs -> NODES.textNode(cs.toString());
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Double d -> NODES.numberNode(d);
            case Float f -> NODES.numberNode(f);
            case Map<?, ?> m -> {
                ObjectNode o = NODES.objectNode();
                new java.util.TreeMap<>(m.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        e -> String.valueOf(e.getKey()), Map.Entry::getValue))).forEach((k, val) -> o.set(k, value(val)));
                yield o;
            }
            case Collection<?> c -> {
                ArrayNode a = NODES.arrayNode();
                c.forEach(x -> a.add(value(x)));
                yield a;
            }
            default -> NODES.textNode(v.toString());
        };
    }

    /**
     * {@code GET /api/services/{service}}: the summary, labels, conditions, every endpoint in the
     * {@code scan --json} shape (with its target id and status in the pipeline), the certificates served and the rollout.
     */
    public static ObjectNode detail(ServiceStatus s, List<Observation> observations, Instant now) {
        ObjectNode n = summary(s, now);
        ObjectNode labels = n.putObject("labels");
        s.getLabels().forEach(labels::put);
        n.put("updatedAt", text(s.getUpdatedAt()));
        ArrayNode conditions = n.putArray("conditions");
        for (Condition c : s.getConditions()) {
            ObjectNode cn = conditions.addObject();
            cn.put("condition", c.getType().name());
            cn.put("level", c.getLevel().name());
            cn.set("certificate", ref(c.getCertificate()));
            ArrayNode eps = cn.putArray("endpoints");
            c.getEndpoints().forEach(eps::add);
            cn.put("since", text(c.getSince()));
            cn.put("consecutive", c.getConsecutive());
            cn.put("message", c.getMessage());
        }
        Map<String, EndpointStatus> statusByEndpoint = new HashMap<>();
        for (EndpointStatus e : s.getEndpoints()) {
            statusByEndpoint.put(e.getTargetId() + StateKeys.SEPARATOR + StateKeys.endpointKeyOf(e), e);
        }
        ArrayNode endpoints = n.putArray("endpoints");
        Map<String, ObjectNode> certificates = new LinkedHashMap<>();
        Map<String, TreeSet<String>> servedBy = new HashMap<>();
        observations.stream()
                .sorted(Comparator.comparing(StateKeys::endpointKey).thenComparing(Observation::getTargetId))
                .forEach(o -> {
                    String key = StateKeys.endpointKey(o);
                    EndpointStatus es = statusByEndpoint.get(o.getTargetId() + StateKeys.SEPARATOR + key);
                    Status status = es != null ? es.getStatus() : Status.UNKNOWN;
                    ObjectNode en = ObservationJson.toJson(o, status, now);
                    en.put("targetId", o.getTargetId());
                    en.put("endpoint", key);
                    en.put("lastObservedAt", text(o.getObservedAt()));
                    en.put("scannerId", o.getScannerId());
                    en.put("scannerZone", o.getZone());
                    en.put("zone", es != null ? es.getZone() : null);
                    en.put("held", es != null ? es.getHeld() : null);
                    endpoints.add(en);
                    for (Certificate c : StateKeys.served(o)) {
                        certificates.computeIfAbsent(c.getSha256(), sha -> ObservationJson.certificate(c));
                        servedBy.computeIfAbsent(c.getSha256(), sha -> new TreeSet<>()).add(key);
                    }
                });
        n.put("endpointCount", s.getEndpoints().size());
        n.remove("endpoints");
        n.set("endpoints", endpoints);
        ArrayNode certs = n.putArray("certificates");
        certificates.forEach((sha, cn) -> {
            ArrayNode eps = cn.putArray("endpoints");
            servedBy.get(sha).forEach(eps::add);
            certs.add(cn);
        });
        n.set("rollout", rollout(s.getRollout()));
        ArrayNode accepted = n.putArray("acceptedConditions");
        for (AcceptedCondition a : s.getAccepted()) {
            accepted.add(record(a));
        }
        return n;
    }

    /** {@code GET /api/certificates/{sha256}}: the certificate and where it is served. */
    public static ObjectNode certificate(String sha256, Certificate certificate, List<StateQueries.Placement> placements) {
        ObjectNode n = certificate != null ? ObservationJson.certificate(certificate) : NODES.objectNode().put("sha256", sha256);
        ArrayNode endpoints = n.putArray("endpoints");
        TreeSet<String> services = new TreeSet<>();
        placements.stream()
                .sorted(Comparator.comparing(StateQueries.Placement::service).thenComparing(StateQueries.Placement::endpoint))
                .forEach(p -> {
                    endpoints.addObject().put("service", p.service()).put("targetId", p.targetId()).put("endpoint", p.endpoint());
                    services.add(p.service());
                });
        ArrayNode serviceNames = n.putArray("services");
        services.forEach(serviceNames::add);
        return n;
    }

    public static JsonNode rollout(Rollout r) {
        if (r == null) {
            return NODES.nullNode();
        }
        ObjectNode n = NODES.objectNode();
        n.set("newCertificate", ref(r.getNewCertificate()));
        ArrayNode fresh = n.putArray("endpointsNew");
        r.getEndpointsNew().forEach(fresh::add);
        ArrayNode old = n.putArray("endpointsOld");
        r.getEndpointsOld().forEach(old::add);
        n.put("since", text(r.getSince()));
        return n;
    }

    public static JsonNode ref(CertificateRef r) {
        if (r == null) {
            return NODES.nullNode();
        }
        return ref(r.getSha256(), r.getSubject(), r.getIssuer(), r.getNotBefore(), r.getNotAfter());
    }

    private static ObjectNode ref(String sha256, String subject, String issuer, Instant notBefore, Instant notAfter) {
        ObjectNode n = NODES.objectNode();
        n.put("sha256", sha256);
        n.put("subject", subject);
        n.put("issuer", issuer);
        n.put("notBefore", text(notBefore));
        n.put("notAfter", text(notAfter));
        return n;
    }

    public static ObjectNode error(String message) {
        return NODES.objectNode().put("error", message);
    }

    public static Double daysLeft(Instant notAfter, Instant now) {
        if (notAfter == null) {
            return null;
        }
        return Math.round((notAfter.toEpochMilli() - now.toEpochMilli()) / MILLIS_PER_DAY * 10) / 10.0;
    }

    private static void putDaysLeft(ObjectNode n, Instant notAfter, Instant now) {
        Double d = daysLeft(notAfter, now);
        if (d == null) {
            n.putNull("daysLeft");
        } else {
            n.put("daysLeft", d);
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
