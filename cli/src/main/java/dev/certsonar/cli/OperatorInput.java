package dev.certsonar.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.policy.Matchers;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the operator's commands ({@code silence}, {@code ack}, {@code exceptions}) take from the command line, each
 * refused with an {@link InvalidValueException} whose field is the option (a user's error, shown as its message):
 * matchers, times, names and ids.
 */
final class OperatorInput {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TIME_FORMS = "2026-12-01T18:00:00Z, 2026-12-01T18:00+01:00 or 2026-12-01 (midnight UTC)";

    private OperatorInput() {
    }

    /** The matchers as written ({@code KEY=VALUE}, {@code KEY=~REGEX}), each keeping the rules of a matcher. */
    static List<Matcher> matchers(List<String> written) {
        List<Matcher> matchers = new ArrayList<>();
        for (String w : written) {
            try {
                matchers.add(Matchers.parse(w));
            } catch (InvalidValueException e) {
                throw new InvalidValueException("--match " + w, e.problem());
            }
        }
        return matchers;
    }

    /** The conditions by name, in any case. */
    static List<ConditionType> conditions(List<String> written) {
        List<ConditionType> conditions = new ArrayList<>();
        for (String w : written) {
            try {
                conditions.add(ConditionType.valueOf(Matchers.parse("condition=" + w).getValue()));
            } catch (InvalidValueException e) {
                throw new InvalidValueException("--accept", e.problem());
            }
        }
        return conditions;
    }

    /** A time as an option gives it; a date is its midnight in UTC. */
    static Instant time(String option, String text) {
        String t = text.strip();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException notWithOffset) {
                try {
                    return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notADate) {
                    throw new InvalidValueException(option, "'" + text + "' is not a time (write " + TIME_FORMS + ")");
                }
            }
        }
    }

    /** When something made now ends: {@code --until TIME}, or {@code --for DURATION} from now, or after {@code otherwise}. */
    static Instant end(Instant now, String forDuration, String until, Duration otherwise) {
        if (forDuration != null && until != null) {
            throw new InvalidValueException("--for and --until", "give one of them, not both");
        }
        Instant end;
        if (until != null) {
            end = time("--until", until);
            if (!end.isAfter(now)) {
                throw new InvalidValueException("--until", end + " is not in the future");
            }
            return end;
        }
        Duration length = otherwise;
        if (forDuration != null) {
            try {
                length = Durations.parse(forDuration);
            } catch (IllegalArgumentException notADuration) {
                throw new InvalidValueException("--for", "'" + forDuration + "' is not a duration (write 90s, 10m, 6h, 7d "
                        + "or ISO-8601 like PT6H)");
            }
            if (length.isNegative() || length.isZero()) {
                throw new InvalidValueException("--for", forDuration + " is not a positive duration");
            }
        }
        return now.plus(length);
    }

    /** Who acts: {@code --by}, else the name of the user running the command. */
    static String by(String given) {
        String name = given != null ? given : System.getProperty("user.name", "");
        if (name.isBlank()) {
            throw new InvalidValueException("--by", "a name is needed (the user running the command has none)");
        }
        return name.strip();
    }

    /** A text an option must give. */
    static String text(String option, String given) {
        if (given == null || given.isBlank()) {
            throw new InvalidValueException(option, "an empty text (say why)");
        }
        return given.strip();
    }

    /** A new id for a record keyed by its id. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** The matchers as JSON: {@code [{"name":"service","value":"shop","regex":false}, ...]}. */
    static ArrayNode json(List<Matcher> matchers) {
        ArrayNode array = JSON.createArrayNode();
        matchers.forEach(m -> array.addObject().put("name", m.getName()).put("value", m.getValue()).put("regex", m.getRegex()));
        return array;
    }
}
