package dev.certsonar.schemas;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A target as JSON, the form people publish on the targets topic:
 * <pre>{"service":"shop","owner":"team-web","host":"shop.example.com","port":443,"sni":"shop.example.com",
 * "protocol":"tls","labels":{"env":"prod"},"interval":"6h","warnDays":30,"warnFraction":0.25,"criticalDays":7,
 * "criticalFraction":0.1,"zone":"dmz"}</pre>
 * Only {@code host} is required. {@code ports} (a list) may replace {@code port}; without either the protocol's default
 * port is used. {@code zone} defaults to {@value Zones#DEFAULT} ({@link Zones#check} holds its rule). {@code service} defaults to the host, {@code protocol} to tls, the id to the record key, else to the
 * {@code id} field, else to {@link TargetIds#defaultId}. {@code interval} is a duration ({@code 6h}, {@code PT6H}) or a
 * number of seconds. An unknown field, a wrong type or a value that breaks a rule of its field ({@link ExpiryPolicy}
 * holds those of the interval and the thresholds) is an {@link InvalidTargetException} naming the field.
 */
public final class TargetJson {

    /** The fields a target's JSON may have. */
    public static final Set<String> FIELDS = Set.of("id", "service", "owner", "host", "port", "ports", "sni", "protocol",
            "labels", "interval", "warnDays", "warnFraction", "criticalDays", "criticalFraction", "zone");
    private static final List<String> FIELD_ORDER = List.of("id", "service", "owner", "host", "port", "ports", "sni",
            "protocol", "labels", "interval", "warnDays", "warnFraction", "criticalDays", "criticalFraction", "zone");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectReader READER = MAPPER.reader();
    private static final ObjectWriter WRITER = MAPPER.writer();

    private TargetJson() {
    }

    /** As {@link #fromJson(String, byte[])} for a string. */
    public static Target fromJson(String key, String json) {
        return fromJson(key, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Maps a target's JSON (UTF-8) to the Avro record.
     *
     * @param key  the record key, used as the id when not null
     * @param json the JSON object
     * @throws InvalidTargetException naming the field at fault
     */
    public static Target fromJson(String key, byte[] json) {
        if (json == null || json.length == 0) {
            throw new InvalidTargetException(null, "invalid target: empty value, expected a JSON object with at least \"host\"");
        }
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(json)) {
            root = READER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw new InvalidTargetException(null, "invalid target: text after the JSON object at "
                        + where(parser.currentLocation()));
            }
        } catch (JsonProcessingException e) {
            throw new InvalidTargetException(null, "invalid target: not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at " + where(e.getLocation())), e);
        } catch (IOException e) {
            throw new InvalidTargetException(null, "invalid target: cannot read JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidTargetException(null, "invalid target: empty value, expected a JSON object with at least \"host\"");
        }
        if (!root.isObject()) {
            throw new InvalidTargetException(null, "invalid target: expected a JSON object, found " + kind(root));
        }
        return fromTree(key, (ObjectNode) root);
    }

    /** The target as JSON in the shape {@link #fromJson} reads; fields without a value are left out. */
    public static String toJson(Target target) {
        try {
            return WRITER.writeValueAsString(toTree(target));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write target " + target.getId() + " as JSON", e);
        }
    }

    /** The target as a Jackson object in the shape {@link #fromJson} reads. */
    public static ObjectNode toTree(Target t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", t.getId());
        o.put("service", t.getService());
        if (t.getOwner() != null) {
            o.put("owner", t.getOwner());
        }
        o.put("host", t.getHost());
        if (t.getPorts().size() == 1) {
            o.put("port", t.getPorts().getFirst());
        } else if (!t.getPorts().isEmpty()) {
            ArrayNode ports = o.putArray("ports");
            t.getPorts().forEach(ports::add);
        }
        if (t.getSni() != null) {
            o.put("sni", t.getSni());
        }
        o.put("protocol", Protocols.name(t.getProtocol()));
        if (!t.getLabels().isEmpty()) {
            ObjectNode labels = o.putObject("labels");
            t.getLabels().forEach(labels::put);
        }
        if (t.getIntervalMillis() != null) {
            o.put("interval", Durations.format(Duration.ofMillis(t.getIntervalMillis())));
        }
        putIfSet(o, "warnDays", t.getWarnDays());
        putIfSet(o, "warnFraction", t.getWarnFraction());
        putIfSet(o, "criticalDays", t.getCriticalDays());
        putIfSet(o, "criticalFraction", t.getCriticalFraction());
        if (!Zones.DEFAULT.equals(Zones.of(t))) {
            o.put("zone", t.getZone());
        }
        return o;
    }

    private static Target fromTree(String key, ObjectNode o) {
        for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid(name, "unknown field '" + name + "' (known fields: " + String.join(", ", FIELD_ORDER) + ")");
            }
        }
        String host = text(o, "host");
        if (host == null) {
            throw invalid("host", "field 'host' is required (a DNS name, an IP address or a CIDR range)");
        }
        if (host.chars().anyMatch(Character::isWhitespace)) {
            throw invalid("host", "field 'host' must not contain spaces: \"" + host + "\"");
        }
        Protocol protocol = Protocol.TLS;
        String protocolName = text(o, "protocol");
        if (protocolName != null) {
            try {
                protocol = Protocols.parse(protocolName);
            } catch (IllegalArgumentException e) {
                throw invalid("protocol", "field 'protocol': " + e.getMessage());
            }
        }
        List<Integer> ports = ports(o, protocol);
        String sni = text(o, "sni");
        String service = text(o, "service");
        String jsonId = text(o, "id");
        String zone = text(o, "zone");
        String id;
        if (key != null) {
            if (jsonId != null && !jsonId.equals(key)) {
                throw invalid("id", "field 'id' is \"" + jsonId + "\" but the record key is \"" + key
                        + "\": leave 'id' out or make them equal");
            }
            id = key;
        } else {
            id = jsonId != null ? jsonId : TargetIds.defaultId(protocol, host, ports, sni);
        }
        Target target = Target.newBuilder()
                .setId(id)
                .setService(service != null ? service : host)
                .setOwner(text(o, "owner"))
                .setHost(host)
                .setPorts(ports)
                .setSni(sni)
                .setProtocol(protocol)
                .setLabels(labels(o))
                .setIntervalMillis(interval(o))
                .setWarnDays(number(o, "warnDays"))
                .setWarnFraction(number(o, "warnFraction"))
                .setCriticalDays(number(o, "criticalDays"))
                .setCriticalFraction(number(o, "criticalFraction"))
                .setZone(zone != null ? zone : Zones.DEFAULT)
                .build();
        try {
            if (zone != null) {
                Zones.check(zone);
            }
            ExpiryPolicy.checkOwnOverrides(target);
        } catch (InvalidValueException e) {
            throw invalid(e.field(), "field '" + e.field() + "': " + e.problem());
        }
        return target;
    }

    private static List<Integer> ports(ObjectNode o, Protocol protocol) {
        JsonNode port = present(o, "port");
        JsonNode ports = present(o, "ports");
        if (port != null && ports != null) {
            throw invalid("ports", "fields 'port' and 'ports' are both given: use one of them");
        }
        if (port != null) {
            return List.of(port("port", port));
        }
        if (ports == null) {
            return List.of(Protocols.defaultPort(protocol));
        }
        if (!ports.isArray()) {
            throw invalid("ports", "field 'ports' must be a list of port numbers, found " + kind(ports));
        }
        if (ports.isEmpty()) {
            throw invalid("ports", "field 'ports' is empty: list at least one port, or leave it out for the protocol's default port");
        }
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            String field = "ports[" + i + "]";
            int p = port(field, ports.get(i));
            if (list.contains(p)) {
                throw invalid(field, "field '" + field + "': port " + p + " is listed twice");
            }
            list.add(p);
        }
        return List.copyOf(list);
    }

    private static int port(String field, JsonNode n) {
        if (!n.isIntegralNumber()) {
            throw invalid(field, "field '" + field + "' must be a port number 1..65535, found " + kind(n));
        }
        if (!n.canConvertToInt() || n.intValue() < 1 || n.intValue() > 65535) {
            throw invalid(field, "field '" + field + "': " + n.asText() + " is not a port number (1..65535)");
        }
        return n.intValue();
    }

    private static Map<String, String> labels(ObjectNode o) {
        JsonNode labels = present(o, "labels");
        if (labels == null) {
            return Map.of();
        }
        if (!labels.isObject()) {
            throw invalid("labels", "field 'labels' must be an object of names to strings, found " + kind(labels));
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "labels." + e.getKey();
            if (e.getKey().isBlank()) {
                throw invalid("labels", "field 'labels' has an empty label name");
            }
            if (!e.getValue().isTextual()) {
                throw invalid(field, "field '" + field + "' must be a string, found " + kind(e.getValue()));
            }
            if (!isUnicode(e.getKey()) || !isUnicode(e.getValue().textValue())) {
                throw invalid(field, "field '" + field + "' is not valid UTF-8 text");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }

    /** The interval in milliseconds; whether it is a right one is the policy's rule ({@link ExpiryPolicy}). */
    private static Long interval(ObjectNode o) {
        JsonNode n = present(o, "interval");
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            try {
                return Durations.parse(n.textValue()).toMillis();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw invalid("interval", "field 'interval': " + e.getMessage());
            }
        }
        if (n.isNumber()) {
            double seconds = n.doubleValue();
            if (Double.isInfinite(seconds) || Math.abs(seconds) * 1000 > Long.MAX_VALUE) {
                throw invalid("interval", "field 'interval': " + n.asText() + " seconds is too long a duration");
            }
            long millis = Math.round(seconds * 1000);
            if (seconds > 0 && millis < 1) {
                throw invalid("interval", "field 'interval': " + n.asText() + " seconds is shorter than a millisecond");
            }
            return millis;
        }
        throw invalid("interval", "field 'interval' must be a duration such as \"6h\" or \"PT6H\", or a number of seconds, found " + kind(n));
    }

    private static Double number(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            throw invalid(field, "field '" + field + "' must be a number, found " + kind(n));
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw invalid(field, "field '" + field + "' must be a finite number");
        }
        return d;
    }

    /** A string field; null when absent or JSON null; an error when of another type or blank. */
    private static String text(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(field, "field '" + field + "' must be a string, found " + kind(n));
        }
        if (n.textValue().isBlank()) {
            throw invalid(field, "field '" + field + "' is empty: give a value or leave the field out");
        }
        if (!isUnicode(n.textValue())) {
            throw invalid(field, "field '" + field + "' is not valid UTF-8 text");
        }
        return n.textValue();
    }

    /**
     * Whether the text is whole Unicode: Jackson reads some invalid UTF-8 (a four-byte sequence beyond U+10FFFF) as a
     * lone surrogate, which is no character and would be written back as '?'.
     */
    private static boolean isUnicode(String text) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(text);
    }

    private static JsonNode present(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n;
    }

    private static void putIfSet(ObjectNode o, String field, Double value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static String kind(JsonNode n) {
        if (n.isNull()) {
            return "null";
        }
        String shown = n.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 37) + "...";
        }
        String type = switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            default -> n.getNodeType().name().toLowerCase();
        };
        return type + " " + shown;
    }

    private static String where(JsonLocation location) {
        return "line " + location.getLineNr() + " column " + location.getColumnNr();
    }

    private static InvalidTargetException invalid(String field, String message) {
        return new InvalidTargetException(field, "invalid target: " + message);
    }
}
