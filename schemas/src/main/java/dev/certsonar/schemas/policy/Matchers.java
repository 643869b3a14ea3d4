package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Severity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What the matchers of a silence or an accepted exception mean. A matcher names a field ({@code service},
 * {@code owner}, {@code condition}, {@code severity}, {@code certificate}, {@code target}, or {@code label.NAME}) and
 * a value it equals, or with {@code regex} a regular expression it matches whole. All matchers of one list must hold;
 * a list without matchers matches nothing. A field with several values (the targets of a condition) holds when one of
 * them does; a field without a value (an owner that is not set) never holds. Certificates compare without regard to
 * case, as SHA-256 fingerprints are hex.
 */
public final class Matchers {

    /** The fields a matcher may name besides {@code label.NAME}. */
    public static final List<String> NAMES = List.of("service", "owner", "condition", "severity", "certificate", "target");
    /** Prefix of a matcher on a label: {@code label.env}. */
    public static final String LABEL_PREFIX = "label.";

    private Matchers() {
    }

    /** The values of the fields a matcher may name, of one thing matched (an alert, a condition of a service). */
    @FunctionalInterface
    public interface Subject {
        /** The values of the field ({@code service}, {@code label.env}, ...); empty when it has none. */
        Collection<String> values(String name);
    }

    /** Matchers compiled once, to be tested against many subjects. */
    public static final class Compiled {
        private final List<Field> fields;

        private Compiled(List<Field> fields) {
            this.fields = fields;
        }

        /** Whether every matcher holds for the subject; false for an empty list of matchers. */
        public boolean matches(Subject subject) {
            if (fields.isEmpty()) {
                return false;
            }
            for (Field f : fields) {
                if (subject.values(f.name()).stream().noneMatch(f.test())) {
                    return false;
                }
            }
            return true;
        }

        /** The value of an equality matcher on the field, if the list has one (a service named exactly). */
        public List<String> equalTo(String name) {
            return fields.stream().filter(f -> f.name().equals(name) && f.exact() != null).map(Field::exact).toList();
        }
    }

    private record Field(String name, Predicate<String> test, String exact) {
    }

    /**
     * Checks every matcher: a field that exists, a value, a regular expression that compiles, and for equality on
     * {@code condition} or {@code severity} a known symbol. The field named is {@code matchers[i].name} or
     * {@code matchers[i].value}.
     *
     * @throws InvalidValueException naming the matcher and what is wrong with it
     */
    public static void check(List<Matcher> matchers) {
        if (matchers == null) {
            throw new InvalidValueException("matchers", "missing");
        }
        for (int i = 0; i < matchers.size(); i++) {
            try {
                field(matchers.get(i));
            } catch (InvalidValueException e) {
                throw e.under("matchers[" + i + "]");
            }
        }
    }

    /** The matchers, checked and compiled. @throws InvalidValueException as {@link #check} does */
    public static Compiled compile(List<Matcher> matchers) {
        check(matchers);
        List<Field> fields = new ArrayList<>();
        for (Matcher m : matchers) {
            fields.add(field(m));
        }
        return new Compiled(List.copyOf(fields));
    }

    private static Field field(Matcher m) {
        if (m == null) {
            throw new InvalidValueException("name", "missing");
        }
        String name = m.getName();
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("name", "missing");
        }
        if (!NAMES.contains(name) && !(name.startsWith(LABEL_PREFIX) && name.length() > LABEL_PREFIX.length())) {
            throw new InvalidValueException("name", "'" + name + "' is not a field to match (one of "
                    + String.join(", ", NAMES) + ", or label.NAME)");
        }
        String value = m.getValue();
        if (value == null) {
            throw new InvalidValueException("value", "missing");
        }
        boolean certificate = name.equals("certificate");
        if (m.getRegex()) {
            Pattern pattern;
            try {
                pattern = Pattern.compile(value, certificate ? Pattern.CASE_INSENSITIVE : 0);
            } catch (PatternSyntaxException e) {
                throw new InvalidValueException("value", "'" + value + "' is not a regular expression: " + e.getDescription());
            }
            return new Field(name, v -> pattern.matcher(v).matches(), null);
        }
        if (value.isEmpty()) {
            throw new InvalidValueException("value", "an empty value (use a regular expression to match an empty field)");
        }
        if (name.equals("condition")) {
            requireSymbol(value, ConditionType.values(), ConditionType.UNKNOWN);
        } else if (name.equals("severity")) {
            requireSymbol(value, Severity.values(), Severity.UNKNOWN);
        }
        String exact = certificate ? value.toLowerCase(Locale.ROOT) : value;
        return new Field(name, certificate ? v -> v.equalsIgnoreCase(exact) : exact::equals, exact);
    }

    private static <E extends Enum<E>> void requireSymbol(String value, E[] symbols, E unknown) {
        List<String> names = Arrays.stream(symbols).filter(s -> s != unknown).map(Enum::name).toList();
        if (!names.contains(value)) {
            throw new InvalidValueException("value", "'" + value + "' is not one of " + String.join(", ", names));
        }
    }
}
