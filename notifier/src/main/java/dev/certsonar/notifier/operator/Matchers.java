package dev.certsonar.notifier.operator;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Severity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * What the matchers of a silence or an accepted exception mean, how they are written on the command line
 * ({@code KEY=VALUE}, {@code KEY=~REGEX}) and the rules a matcher keeps.
 *
 * <p>A matcher names one fact of an alert and a value the fact equals, or a regular expression that matches the whole
 * fact: {@code service}, {@code owner}, {@code condition} (EXPIRING, EXPIRED, ...), {@code severity} (INFO, WARNING,
 * CRITICAL), {@code certificate} (the SHA-256 of the certificate the alert is about, lower-case hex),
 * {@code label.NAME} (the label NAME), and {@code target} (the id of a target that found one of the endpoints the
 * alert is about). A fact that is absent (no owner, no such label, no certificate) is the empty text, as in
 * Alertmanager; {@code target} holds when any of the alert's target ids matches, and an alert whose targets are not
 * known matches no {@code target} matcher. All matchers of a list must hold; an empty list matches nothing.
 */
public final class Matchers {

    /** The facts a matcher can name; {@code label.NAME} names the label NAME. */
    public enum Key {
        SERVICE, OWNER, CONDITION, SEVERITY, CERTIFICATE, TARGET, LABEL;

        static final String LABEL_PREFIX = "label.";

        /** The key a matcher's name names, if any. */
        static Optional<Key> of(String name) {
            if (name == null) {
                return Optional.empty();
            }
            if (name.startsWith(LABEL_PREFIX)) {
                return name.length() > LABEL_PREFIX.length() ? Optional.of(LABEL) : Optional.empty();
            }
            return Arrays.stream(values()).filter(k -> k != LABEL && k.name().toLowerCase(Locale.ROOT).equals(name)).findFirst();
        }
    }

    /** The names a matcher may have, as a person reads them. */
    public static final String KEYS = "service, owner, condition, severity, certificate, target, label.NAME";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Matchers() {
    }

    /**
     * A matcher as written on the command line: {@code KEY=VALUE} for equality, {@code KEY=~REGEX} for a regular
     * expression that must match the whole value. Condition and severity names are taken in any case, and a
     * certificate's SHA-256 in either case of hex; the result keeps the rules of {@link #check}.
     *
     * @throws InvalidValueException naming the matcher as written when it breaks a rule
     */
    public static Matcher parse(String written) {
        int eq = written.indexOf('=');
        if (eq <= 0) {
            throw new InvalidValueException(written, "write KEY=VALUE or KEY=~REGEX (keys: " + KEYS + ")");
        }
        String name = written.substring(0, eq).strip();
        boolean regex = written.startsWith("=~", eq);
        String value = written.substring(eq + (regex ? 2 : 1));
        if (!regex) {
            value = switch (Key.of(name).orElse(Key.SERVICE)) {
                case CONDITION, SEVERITY -> value.strip().toUpperCase(Locale.ROOT);
                case CERTIFICATE -> value.strip().toLowerCase(Locale.ROOT).replace(":", "");
                default -> value;
            };
        }
        Matcher matcher = Matcher.newBuilder().setName(name).setValue(value).setRegex(regex).build();
        try {
            check(matcher);
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
     * Checks one matcher: a known name, a regular expression that compiles, and for equality a value that can be
     * equal to the fact (a condition or severity by its name, a certificate by its SHA-256 in lower-case hex).
     *
     * @throws InvalidValueException naming {@code name} or {@code value}
     */
    public static void check(Matcher matcher) {
        String value = matcher.getValue();
        Key key = Key.of(matcher.getName()).orElseThrow(() -> new InvalidValueException("name", "unknown key '"
                + matcher.getName() + "' (keys: " + KEYS + ")"));
        if (value == null) {
            throw new InvalidValueException("value", "missing");
        }
        if (matcher.getRegex()) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new InvalidValueException("value", "'" + value + "' is not a regular expression: "
                        + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
            }
            return;
        }
        switch (key) {
            case CONDITION -> requireName(value, ConditionType.values(), "condition");
            case SEVERITY -> requireName(value, Severity.values(), "severity");
            case CERTIFICATE -> {
                if (!SHA256.matcher(value).matches()) {
                    throw new InvalidValueException("value", "'" + value + "' is not a certificate's SHA-256 "
                            + "(64 hex digits, as `scan` and the API show it)");
                }
            }
            default -> {
            }
        }
    }

    private static void requireName(String value, Enum<?>[] symbols, String what) {
        List<String> names = Arrays.stream(symbols).map(Enum::name).filter(n -> !n.equals("UNKNOWN")).toList();
        if (!names.contains(value)) {
            throw new InvalidValueException("value", "'" + value + "' is not a " + what + " (one of "
                    + String.join(", ", names) + ")");
        }
    }

    /** Checks every matcher of a list, naming the one at fault as {@code matchers[i].name} or {@code matchers[i].value}. */
    public static void checkAll(List<Matcher> matchers) {
        for (int i = 0; i < matchers.size(); i++) {
            try {
                check(matchers.get(i));
            } catch (InvalidValueException e) {
                throw e.under("matchers[" + i + "]");
            }
        }
    }

    /** The matchers of a list compiled once, to be tried on many alerts; the list must keep the rules of {@link #check}. */
    public static Predicate<AlertFacts> compile(List<Matcher> matchers) {
        if (matchers.isEmpty()) {
            return facts -> false;
        }
        List<Predicate<AlertFacts>> all = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            Predicate<String> value = m.getRegex() ? Pattern.compile(m.getValue()).asMatchPredicate() : m.getValue()::equals;
            Key key = Key.of(m.getName()).orElseThrow();
            String name = m.getName();
            all.add(key == Key.TARGET ? facts -> facts.targets().stream().anyMatch(value)
                    : facts -> value.test(facts.fact(key, name)));
        }
        return facts -> all.stream().allMatch(p -> p.test(facts));
    }
}
