package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The identifiers of alerts: stable per (service, certificate, condition, level), and unique per event. */
public final class AlertIds {

    private static final int LENGTH = 32;

    private AlertIds() {
    }

    /**
     * The alertId: hex SHA-256 (first 32 characters) of service, certificate SHA-256 (empty when the condition is
     * about no certificate), condition and level.
     */
    public static String alertId(String service, String certificateSha256, ConditionType condition, Severity level) {
        return hash("alert", service, certificateSha256 == null ? "" : certificateSha256, condition.name(), level.name());
    }

    /**
     * The eventId of the {@code sequence}-th event of one firing episode of an alert (the episode that started at
     * {@code episodeStartMillis}); the same inputs give the same id, so reprocessing after a crash repeats it.
     */
    public static String eventId(String alertId, long episodeStartMillis, long sequence, AlertState state) {
        return hash("event", alertId, Long.toString(episodeStartMillis), Long.toString(sequence), state.name());
    }

    static String hash(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update((byte) (bytes.length >>> 24));
                digest.update((byte) (bytes.length >>> 16));
                digest.update((byte) (bytes.length >>> 8));
                digest.update((byte) bytes.length);
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
