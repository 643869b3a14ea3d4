package dev.certsonar.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Copies of a record schema with a top-level field removed or added, to play an older or newer writer. */
final class SchemaEdits {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SchemaEdits() {
    }

    static Schema removeFields(Schema schema, String... names) {
        ObjectNode root = tree(schema);
        ArrayNode fields = (ArrayNode) root.get("fields");
        for (String name : names) {
            boolean removed = false;
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).get("name").asText().equals(name)) {
                    fields.remove(i);
                    removed = true;
                    break;
                }
            }
            if (!removed) {
                throw new IllegalArgumentException(schema.getName() + " has no field " + name);
            }
        }
        return new Schema.Parser().parse(root.toString());
    }

    static Schema addField(Schema schema, String fieldJson) {
        ObjectNode root = tree(schema);
        try {
            ((ArrayNode) root.get("fields")).add(MAPPER.readTree(fieldJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Schema.Parser().parse(root.toString());
    }

    private static ObjectNode tree(Schema schema) {
        try {
            return (ObjectNode) MAPPER.readTree(schema.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
