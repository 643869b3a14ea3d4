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
import java.util.stream.Collectors;

/**
 * What the matchers of a silence or an accepted exception mean, how one is written ({@code KEY=VALUE},
 * {@code KEY=~REGEX}) and the rules a matcher keeps; the notifier (silences), the aggregator (accepted exceptions, the
 * console, the API) and the command line all read them here.
 *
 * <p>A matcher names one fact of a condition of a service ({@link ConditionFacts}: an alert, or a condition of a
 * service's status) and a value the fact equals, or with {@code regex} a regular expression that matches the whole fact:
 * <ul>
 *   <li>{@code service}, {@code owner}, {@code label.NAME} (the value of the label NAME);</li>
 *   <li>{@code condition} (EXPIRING, UNTRUSTED, ...);</li>
 *   <li>{@code severity}: the severity of the alert (INFO, WARNING, CRITICAL), which for a condition of a status is the
 *       severity its alert carries ({@link Verdicts#alertSeverity}), not the condition's level;</li>
 *   <li>{@code certificate}: the SHA-256 of the certificate the condition is about;</li>
 *   <li>{@code target}: the id of a target that found one of the condition's endpoints; it holds when one of them does.</li>
 * </ul>
 * A fact that is absent (no owner, no such label, no certificate, no known target) makes every matcher on it fail, a
 * regular expression that matches the empty text included; so an equality matcher with an empty value is refused.
 * Regular expressions match the whole fact and are case-sensitive, except on {@code certificate}: fingerprints are hex,
 * so certificates compare without regard to case, by equality or regex. Written as text, a certificate's value may carry
 * colons ({@code AB:CD:...}) and a condition's or a severity's name any case. All matchers of a list must hold; a list
 * without matchers matches nothing.
 */
public final class Matchers {

    /** The keys a matcher may name besides {@code label.NAME}. */
    public static final List<String> NAMES = List.of("service", "owner", "condition", "severity", "certificate", "target");
    /** Prefix of a matcher on a label: {@code label.env}. */
    public static final String LABEL_PREFIX = "label.";
    /** The keys a matcher may name, as a person reads them. */
    public static final String KEYS = String.join(", ", NAMES) + ", " + LABEL_PREFIX + "NAME";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private Matchers() {
    }

    /** The facts of one thing matched, by key; {@link ConditionFacts} is the one the product matches. */
    @FunctionalInterface
    public interface Facts {
        /** The values of the fact ({@code service}, {@code label.env}, ...); empty when it is absent. */
        Collection<String> values(String key);
    }

    /** Matchers compiled once, to be tried on many facts. */
    public static final class Compiled {
        private final List<Field> fields;

        private Compiled(List<Field> fields) {
            this.fields = fields;
        }

        /** Whether every matcher holds for the facts; false for an empty list of matchers. */
        public boolean matches(Facts facts) {
            if (fields.isEmpty()) {
                return false;
            }
            for (Field f : fields) {
                if (facts.values(f.name()).stream().noneMatch(f.test())) {
                    return false;
                }
            }
            return true;
        }

        /** The values of the equality matchers on the key (a service named exactly), in the list's order. */
        public List<String> equalTo(String key) {
            return fields.stream().filter(f -> f.name().equals(key) && f.exact() != null).map(Field::exact).toList();
        }
    }

    private record Field(String name, Predicate<String> test, String exact) {
    }

    /**
     * A matcher as written on the command line: {@code KEY=VALUE} for equality, {@code KEY=~REGEX} for a regular
     * expression that matches the whole fact. For equality, a condition's or a severity's name is taken in any case and
     * a certificate's SHA-256 in either case of hex, with or without colons; the result keeps the rules of {@link #check}.
     *
     * @throws InvalidValueException naming the matcher as written when it breaks a rule
     */
    public static Matcher parse(String written) {
        int eq = written.indexOf('=');
        if (eq <= 0 || written.substring(0, eq).isBlank()) {
            throw new InvalidValueException(written, "write KEY=VALUE or KEY=~REGEX (keys: " + KEYS + ")");
        }
        String name = written.substring(0, eq).strip();
        boolean regex = written.startsWith("=~", eq);
        String value = written.substring(eq + (regex ? 2 : 1));
        if (!regex) {
            value = switch (name) {
                case "condition", "severity" -> value.strip().toUpperCase(Locale.ROOT);
                case "certificate" -> value.strip().toLowerCase(Locale.ROOT).replace(":", "");
                default -> value;
            };
        }
        Matcher matcher = new Matcher(name, value, regex);
        try {
            field(matcher);
        } catch (InvalidValueException e) {
            throw new InvalidValueException(written, e.problem());
        }
        return matcher;
    }

    /** The matcher as the command line writes it: {@code service=shop}, {@code service=~shop-.*}. */
    public static String format(Matcher matcher) {
        return matcher.getName() + (matcher.getRegex() ? "=~" : "=") + matcher.getValue();
    }

    /** The matchers as the command line writes them, separated by spaces. */
    public static String format(List<Matcher> matchers) {
        return matchers.stream().map(Matchers::format).collect(Collectors.joining(" "));
    }

    /**
     * Checks every matcher of a list: a known key, a value, a regular expression that compiles, and for equality a
     * value that some fact can equal (not empty; a condition or a severity by its name; a certificate by its SHA-256,
     * 64 hex digits). The field named is {@code matchers[i].name} or {@code matchers[i].value}.
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
        List<Field> fields = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            fields.add(field(m));
        }
        return new Compiled(List.copyOf(fields));
    }

    /** One matcher checked and compiled. @throws InvalidValueException naming {@code name} or {@code value} */
    private static Field field(Matcher m) {
        if (m == null) {
            throw new InvalidValueException("name", "missing");
        }
        String name = m.getName();
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("name", "missing");
        }
        if (!NAMES.contains(name) && !(name.startsWith(LABEL_PREFIX) && name.length() > LABEL_PREFIX.length())) {
            throw new InvalidValueException("name", "unknown key '" + name + "' (keys: " + KEYS + ")");
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
                throw new InvalidValueException("value", "'" + value + "' is not a regular expression: "
                        + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
            }
            return new Field(name, pattern.asMatchPredicate(), null);
        }
        if (value.isEmpty()) {
            throw new InvalidValueException("value", "an empty value (no matcher holds for an absent fact; a regular expression "
                    + "matches an empty one)");
        }
        switch (name) {
            case "condition" -> requireSymbol(value, ConditionType.values(), ConditionType.UNKNOWN, "condition");
            case "severity" -> requireSymbol(value, Severity.values(), Severity.UNKNOWN, "severity");
            case "certificate" -> {
                if (!SHA256.matcher(value).matches()) {
                    throw new InvalidValueException("value", "'" + value + "' is not a certificate's SHA-256 "
                            + "(64 hex digits, as `scan` and the API show it)");
                }
            }
            default -> {
            }
        }
        String exact = certificate ? value.toLowerCase(Locale.ROOT) : value;
        return new Field(name, certificate ? exact::equalsIgnoreCase : exact::equals, exact);
    }

    private static <E extends Enum<E>> void requireSymbol(String value, E[] symbols, E unknown, String what) {
        List<String> names = Arrays.stream(symbols).filter(s -> s != unknown).map(Enum::name).toList();
        if (!names.contains(value)) {
            throw new InvalidValueException("value", "'" + value + "' is not a " + what + " (one of "
                    + String.join(", ", names) + ")");
        }
    }
}
