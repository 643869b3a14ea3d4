package dev.certsonar.notifier;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary layouts of the notifier's own records (in its stores and internal topics): fields written one after the
 * other with {@link DataOutputStream}, the parts of varying length with their length in front, -1 for an absent one.
 */
final class Layouts {

    /** Writes the fields of one record. */
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads the fields of one record. */
    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** Writes the fields of one record for a topic (or store). */
    interface TopicWriter<T> {
        void write(String topic, T value, DataOutputStream out) throws IOException;
    }

    /** Reads the fields of one record of a topic (or store). */
    interface TopicReader<T> {
        T read(String topic, DataInputStream in) throws IOException;
    }

    /** The serializer of one layout; null stays null. */
    static <T> Serializer<T> serializer(String what, TopicWriter<T> writer) {
        return (topic, value) -> value == null ? null
                : encode(what + " for " + topic, out -> writer.write(topic, value, out));
    }

    /** The deserializer of one layout; null stays null. */
    static <T> Deserializer<T> deserializer(String what, TopicReader<T> reader) {
        return (topic, data) -> data == null ? null : decode(what + " from " + topic, data, in -> reader.read(topic, in));
    }

    private Layouts() {
    }

    /** The bytes {@code writer} writes; a failure names {@code what} was written. */
    static byte[] encode(String what, Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DataOutputStream out = new DataOutputStream(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot encode " + what, e);
        }
    }

    /** What {@code reader} reads from the bytes; a failure names {@code what} was read. */
    static <T> T decode(String what, byte[] data, Reader<T> reader) {
        try {
            return reader.read(new DataInputStream(new ByteArrayInputStream(data)));
        } catch (SerializationException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + what + ": " + e, e);
        }
    }

    /** The bytes with their length in front; null as length -1. */
    static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** The texts with their count in front. */
    static void writeTexts(DataOutputStream out, List<String> texts) throws IOException {
        out.writeInt(texts.size());
        for (String text : texts) {
            out.writeUTF(text);
        }
    }

    static List<String> readTexts(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add(in.readUTF());
        }
        return texts;
    }
}
