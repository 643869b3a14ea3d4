package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.policy.Matchers;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The bodies of the API's writes, as JSON with the field names of the records they become ({@link Silence},
 * {@link AcceptedException}, {@link Acknowledgement}), checked: a value that breaks a rule is an
 * {@link InvalidValueException} naming the field ({@code matchers[0].name}, {@code endsAt}). Who writes comes from the
 * body ({@code createdBy}, {@code by}) or else from the request's credential.
 */
public final class OperatorRequests {

    /** Ids the API accepts from clients: letters, digits, '.', '_', '-', ':' (an id is also a Kafka key and a path). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_TEXT = 2_000;

    private OperatorRequests() {
    }

    /** A new silence: matchers, startsAt (default now), endsAt (after startsAt and now), createdBy, comment. */
    public static Silence silence(String body, String writer, Instant now) {
        JsonNode n = object(body, Set.of("id", "matchers", "startsAt", "endsAt", "createdBy", "comment"));
        Instant startsAt = n.hasNonNull("startsAt") ? instant(n, "startsAt") : now;
        required(n, "endsAt");
        Instant endsAt = instant(n, "endsAt");
        if (!endsAt.isAfter(startsAt)) {
            throw new InvalidValueException(List.of("endsAt", "startsAt"), endsAt + " is not after startsAt " + startsAt);
        }
        if (!endsAt.isAfter(now)) {
            throw new InvalidValueException("endsAt", endsAt + " has passed");
        }
        return Silence.newBuilder()
                .setId(id(n))
                .setMatchers(matchers(n))
                .setStartsAt(startsAt)
                .setEndsAt(endsAt)
                .setCreatedBy(who(n, "createdBy", writer))
                .setComment(text(n, "comment", true))
                .setCreatedAt(now)
                .build();
    }

    /** A new accepted exception: matchers, conditions, reason, createdBy, until (optional, in the future). */
    public static AcceptedException exception(String body, String writer, Instant now) {
        JsonNode n = object(body, Set.of("id", "matchers", "conditions", "reason", "createdBy", "until"));
        Instant until = n.hasNonNull("until") ? instant(n, "until") : null;
        if (until != null && !until.isAfter(now)) {
            throw new InvalidValueException("until", until + " has passed");
        }
        return AcceptedException.newBuilder()
                .setId(id(n))
                .setMatchers(matchers(n))
                .setConditions(conditions(n))
                .setReason(text(n, "reason", true))
                .setCreatedBy(who(n, "createdBy", writer))
                .setCreatedAt(now)
                .setUntil(until)
                .build();
    }

    /** An acknowledgement of the alert: by, comment (both optional); the body may be empty. */
    public static Acknowledgement acknowledgement(String alertId, String body, String writer, Instant now) {
        JsonNode n = body == null || body.isBlank() ? ApiJson.MAPPER.createObjectNode() : object(body, Set.of("by", "comment"));
        return Acknowledgement.newBuilder()
                .setAlertId(alertId)
                .setBy(who(n, "by", writer))
                .setAt(now)
                .setComment(n.hasNonNull("comment") ? text(n, "comment", false) : "")
                .build();
    }

    /** The token of a console login: {@code {"token": "..."}}. */
    static String token(String body) {
        JsonNode n = object(body, Set.of("token"));
        JsonNode t = required(n, "token");
        if (!t.isTextual()) {
            throw new InvalidValueException("token", "not text");
        }
        return t.asText();
    }

    /** An id given in a path, checked as ids are. */
    public static String pathId(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new InvalidValueException(field, "not an id (1 to 128 letters, digits, '.', '_', '-', ':')");
        }
        return value;
    }

    private static JsonNode object(String body, Set<String> fields) {
        if (body == null || body.isBlank()) {
            throw new InvalidValueException("body", "missing: send a JSON object");
        }
        JsonNode n;
        try {
            n = ApiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidValueException("body", "not JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (n == null || !n.isObject()) {
            throw new InvalidValueException("body", "not a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!fields.contains(name)) {
                throw new InvalidValueException(name, "not a field here (fields: " + String.join(", ", fields.stream().sorted().toList()) + ")");
            }
        }
        return n;
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidValueException(field, "missing");
        }
        return v;
    }

    private static String id(JsonNode n) {
        if (!n.hasNonNull("id")) {
            return UUID.randomUUID().toString();
        }
        return pathId("id", n.get("id").isTextual() ? n.get("id").asText() : null);
    }

    private static List<Matcher> matchers(JsonNode n) {
        JsonNode array = required(n, "matchers");
        if (!array.isArray() || array.isEmpty()) {
            throw new InvalidValueException("matchers", "not a list of at least one matcher ({\"name\":\"service\",\"value\":\"shop\"})");
        }
        List<Matcher> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            String at = "matchers[" + i + "]";
            if (!m.isObject()) {
                throw new InvalidValueException(at, "not an object with name, value and regex");
            }
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!Set.of("name", "value", "regex").contains(name)) {
                    throw new InvalidValueException(at + "." + name, "not a field of a matcher (name, value, regex)");
                }
            }
            JsonNode regex = m.get("regex");
            if (regex != null && !regex.isNull() && !regex.isBoolean()) {
                throw new InvalidValueException(at + ".regex", "not true or false");
            }
            out.add(new Matcher(textOrNull(m, "name"), textOrNull(m, "value"), regex != null && regex.asBoolean()));
        }
        Matchers.check(out);
        return out;
    }

    private static List<ConditionType> conditions(JsonNode n) {
        JsonNode array = required(n, "conditions");
        if (!array.isArray() || array.isEmpty()) {
            throw new InvalidValueException("conditions", "not a list of at least one condition");
        }
        List<String> known = Arrays.stream(ConditionType.values()).filter(c -> c != ConditionType.UNKNOWN).map(Enum::name).toList();
        List<ConditionType> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String c = array.get(i).isTextual() ? array.get(i).asText() : null;
            if (c == null || !known.contains(c)) {
                throw new InvalidValueException("conditions[" + i + "]", (c == null ? array.get(i).toString() : "'" + c + "'")
                        + " is not a condition (one of " + String.join(", ", known) + ")");
            }
            out.add(ConditionType.valueOf(c));
        }
        return out;
    }

    private static String who(JsonNode n, String field, String writer) {
        return n.hasNonNull(field) ? text(n, field, true) : writer;
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = required ? required(n, field) : n.get(field);
        if (!v.isTextual()) {
            throw new InvalidValueException(field, "not text");
        }
        String t = v.asText().strip();
        if (required && t.isEmpty()) {
            throw new InvalidValueException(field, "empty");
        }
        if (t.length() > MAX_TEXT) {
            throw new InvalidValueException(field, "longer than " + MAX_TEXT + " characters");
        }
        return t;
    }

    private static String textOrNull(JsonNode m, String field) {
        JsonNode v = m.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (!v.isTextual()) {
            throw new InvalidValueException(field, "not a time (ISO-8601 text such as 2027-03-01T00:00:00Z)");
        }
        try {
            return Instant.parse(v.asText().strip());
        } catch (DateTimeParseException e) {
            throw new InvalidValueException(field, "'" + v.asText() + "' is not a time (ISO-8601 such as 2027-03-01T00:00:00Z)");
        }
    }
}
