package dev.certsonar.cli.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line of every key and value of a YAML document, by JSON pointer ({@code /routes/1/channels/0}), so that an
 * error found after the document was read can still name its line.
 */
final class YamlLocations {

    /** One step of a field path: a name, or an index in brackets. */
    private static final Pattern STEP = Pattern.compile("\\[(\\d+)]|([^.\\[\\]]+)");

    /** A YAML alias ({@code *name}) in the document, at the value it stands for. */
    record Alias(JsonPointer pointer, String name) {
    }

    private final Map<String, Integer> lines;
    private final Alias alias;

    private YamlLocations(Map<String, Integer> lines, Alias alias) {
        this.lines = lines;
        this.alias = alias;
    }

    /** Reads the whole document once; a syntax error surfaces as the parser's exception, with its location. */
    static YamlLocations index(YAMLFactory factory, String yaml) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        Alias alias = null;
        try (JsonParser parser = factory.createParser(yaml)) {
            try {
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    JsonStreamContext context = parser.getParsingContext();
                    if (token.isStructStart() && context.getParent() != null) {
                        context = context.getParent();
                    }
                    JsonPointer pointer = context.pathAsPointer();
                    lines.putIfAbsent(pointer.toString(), parser.currentTokenLocation().getLineNr());
                    if (alias == null && parser instanceof YAMLParser y && y.isCurrentAlias()) {
                        alias = new Alias(pointer, parser.getText());
                    }
                }
            } catch (StreamConstraintsException e) {
                // a limit of the factory names no place; the parser knows where it stopped
                throw new JsonParseException(parser, e.getOriginalMessage(), e);
            }
        }
        return new YamlLocations(lines, alias);
    }

    static YamlLocations empty() {
        return new YamlLocations(Map.of(), null);
    }

    /**
     * The first alias of the document, or null. Jackson reads an alias as the text of its anchor's name, not as the
     * value it stands for, so a file that uses one would say something other than it seems to.
     */
    Alias alias() {
        return alias;
    }

    /** The line of the pointer's key or, when it is absent from the file, of the nearest enclosing key; 0 when unknown. */
    int lineOf(JsonPointer pointer) {
        JsonPointer current = pointer;
        while (current != null) {
            Integer line = lines.get(current.toString());
            if (line != null) {
                return line;
            }
            current = current.head();
        }
        return 0;
    }

    /** Whether the document has this key (or list element) itself. */
    boolean has(JsonPointer pointer) {
        return lines.containsKey(pointer.toString());
    }

    /**
     * The pointer of a field path, such as an {@code InvalidValueException} names, below {@code base}:
     * {@code channels[1].name} below {@code /} is {@code /channels/1/name}; the inverse of {@link #keyOf}.
     */
    static JsonPointer pointer(JsonPointer base, String fieldPath) {
        JsonPointer pointer = base;
        Matcher step = STEP.matcher(fieldPath);
        while (step.find()) {
            pointer = step.group(1) != null ? pointer.appendIndex(Integer.parseInt(step.group(1)))
                    : pointer.appendProperty(step.group(2));
        }
        return pointer;
    }

    /** {@code routes[1].channels[0]} for {@code /routes/1/channels/0}. */
    static String keyOf(JsonPointer pointer) {
        StringBuilder key = new StringBuilder();
        for (JsonPointer current = pointer; current != null && !current.matches(); current = current.tail()) {
            if (current.mayMatchElement() && isIndex(current.getMatchingProperty())) {
                key.append('[').append(current.getMatchingIndex()).append(']');
            } else {
                if (!key.isEmpty()) {
                    key.append('.');
                }
                key.append(current.getMatchingProperty());
            }
        }
        return key.toString();
    }

    private static boolean isIndex(String segment) {
        return !segment.isEmpty() && segment.chars().allMatch(Character::isDigit);
    }
}
