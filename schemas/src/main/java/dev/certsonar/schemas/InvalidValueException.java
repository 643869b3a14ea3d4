package dev.certsonar.schemas;

import java.util.List;
import java.util.Objects;

/**
 * A value that breaks a rule of the record it is given to, naming the field: what a configuration file, a flag or a
 * target's JSON calls that field is for the reader of the value to say ({@code policy.warnDays} and line 7 of a file,
 * {@code --http-port}, {@code field 'criticalDays'}), so records throw this and readers place it without parsing
 * the message.
 *
 * <p>The field is a path inside the record that threw: a component ({@code timeout}), an element of a list
 * ({@code deny[1]}) or a field of a nested value ({@code topics.prefix}, {@code channels[2].name}). A rule that ties
 * several fields together ({@code criticalDays} must not be more than {@code warnDays}) names them all, the one at fault
 * first.
 */
public class InvalidValueException extends IllegalArgumentException {

    private final List<String> fields;
    private final String problem;

    /**
     * @param field   the field at fault
     * @param problem what is wrong with its value, without the field's name: {@code 0s is not a positive duration}
     */
    public InvalidValueException(String field, String problem) {
        this(List.of(field), problem);
    }

    /**
     * @param fields  the fields the rule ties together, the one at fault first
     * @param problem what is wrong, without the first field's name in front
     */
    public InvalidValueException(List<String> fields, String problem) {
        super(Objects.requireNonNull(fields.getFirst(), "field") + ": " + problem);
        this.fields = List.copyOf(fields);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The field at fault. */
    public String field() {
        return fields.getFirst();
    }

    /** Every field the broken rule ties together, the one at fault first. */
    public List<String> fields() {
        return fields;
    }

    /** What is wrong, without the field's name: {@code 70000 is not a port (0 to 65535)}. */
    public String problem() {
        return problem;
    }

    /**
     * The same problem with its fields as fields of {@code parent}: {@code prefix} of {@code topics} is
     * {@code topics.prefix}, {@code name} of {@code channels[2]} is {@code channels[2].name}.
     */
    public InvalidValueException under(String parent) {
        InvalidValueException moved = new InvalidValueException(
                fields.stream().map(field -> field.startsWith("[") ? parent + field : parent + "." + field).toList(), problem);
        moved.initCause(this);
        return moved;
    }
}
