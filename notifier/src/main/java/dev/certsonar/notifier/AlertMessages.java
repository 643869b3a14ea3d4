package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.policy.Verdicts;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The one line a person reads for an alert event, and the severity of each condition. */
public final class AlertMessages {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final double MILLIS_PER_DAY = Duration.ofDays(1).toMillis();

    private AlertMessages() {
    }

    /** The severity of an alert, as {@link Verdicts#alertSeverity} gives it for the condition and its level. */
    public static Severity severity(ConditionType condition, Severity level) {
        return Verdicts.alertSeverity(condition, level);
    }

    /** Days from {@code at} to the certificate's notAfter, to two decimals; null without a certificate. */
    public static Double daysLeft(CertificateRef certificate, Instant at) {
        if (certificate == null || certificate.getNotAfter() == null) {
            return null;
        }
        double days = (certificate.getNotAfter().toEpochMilli() - at.toEpochMilli()) / MILLIS_PER_DAY;
        return Math.round(days * 100.0) / 100.0;
    }

    /** What is wrong, for a FIRING event (first or reminder). */
    static String firing(Alert a, String detail) {
        String cert = certificateWords(a.getCertificate());
        String service = a.getService();
        String text = switch (a.getCondition()) {
            case EXPIRING -> cert + " on " + service + " expires in " + days(a.getDaysLeft()) + " ("
                    + date(a.getCertificate()) + ")";
            case EXPIRED -> cert + " on " + service + " expired " + daysAgo(a.getDaysLeft()) + " ("
                    + date(a.getCertificate()) + ")";
            case UNTRUSTED -> cert + " on " + service + " is not trusted";
            case HOSTNAME_MISMATCH -> cert + " on " + service + " does not match the name it is served for";
            case INCOMPLETE_CHAIN -> service + " serves an incomplete chain for " + cert;
            case NOT_YET_VALID -> cert + " on " + service + " is not valid yet"
                    + (a.getCertificate() != null && a.getCertificate().getNotBefore() != null
                    ? " (valid from " + DATE.format(a.getCertificate().getNotBefore()) + ")" : "");
            case WEAK_CRYPTO -> cert + " on " + service + " uses weak cryptography";
            case LEGACY_PROTOCOL -> service + " negotiates a legacy TLS protocol";
            case LIFETIME_EXCEEDS_MAXIMUM -> cert + " on " + service + " is valid for longer than the CA/Browser Forum allows";
            case UNREACHABLE -> service + " is unreachable" + on(a.getEndpoints());
            case STALE -> service + " has not been observed for too long" + on(a.getEndpoints());
            case ROLLOUT_INCOMPLETE -> "the certificate rollout on " + service + " is incomplete";
            case FLEET_DOWN -> service + " has no live scanner: its endpoints are held until one is back";
            case FLEET_BEHIND -> service + " is falling behind: its scan requests keep piling up";
            case WATCHDOG -> "certsonar's watchdog: this alert always fires, so its absence means part of the pipeline stopped";
            case REVOKED -> cert + " on " + service + " is revoked";
            case REVOCATION_UNKNOWN -> "the revocation status of " + cert + " on " + service + " cannot be learned";
            case UNKNOWN -> service + " has a problem of a kind this notifier does not know";
        };
        String why = explainsItself(a.getCondition()) ? null : detail;
        if (why != null && !why.isBlank() && !why.equals(text)) {
            text = switch (a.getCondition()) {
                case UNREACHABLE -> service + " is unreachable: " + why;
                case STALE -> service + " has not been observed for too long: " + why;
                default -> text + ": " + why;
            };
        }
        return a.getReminder() ? "still " + a.getSeverity() + " since " + DATE.format(a.getFirstFiredAt()) + ": " + text
                : text;
    }

    /** Whether the words above say all there is, so the aggregator's description would only repeat them. */
    private static boolean explainsItself(ConditionType condition) {
        return switch (condition) {
            case EXPIRING, EXPIRED, NOT_YET_VALID, INCOMPLETE_CHAIN -> true;
            default -> false;
        };
    }

    /** What ended, for a RESOLVED event. */
    static String resolved(Alert a, String reason) {
        String what = switch (a.getCondition()) {
            case EXPIRING -> "expiry " + a.getLevel().name().toLowerCase(Locale.ROOT) + " for "
                    + certificateWords(a.getCertificate()) + " on " + a.getService();
            case UNREACHABLE, STALE, ROLLOUT_INCOMPLETE, LEGACY_PROTOCOL, UNKNOWN ->
                    a.getCondition().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on " + a.getService();
            default -> a.getCondition().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " for "
                    + certificateWords(a.getCertificate()) + " on " + a.getService();
        };
        return what + " ended: " + reason;
    }

    static String certificateWords(CertificateRef c) {
        return c == null ? "the certificate" : "certificate " + c.getSubject();
    }

    private static String date(CertificateRef c) {
        return c == null || c.getNotAfter() == null ? "unknown date" : DATE.format(c.getNotAfter());
    }

    static String formatDate(Instant instant) {
        return DATE.format(instant);
    }

    private static String days(Double d) {
        if (d == null) {
            return "an unknown number of days";
        }
        return String.format(Locale.ROOT, "%.1f days", d);
    }

    private static String daysAgo(Double d) {
        if (d == null) {
            return "some time ago";
        }
        return String.format(Locale.ROOT, "%.1f days ago", Math.max(0.0, -d));
    }

    private static String on(List<String> endpoints) {
        if (endpoints == null || endpoints.isEmpty()) {
            return "";
        }
        if (endpoints.size() <= 3) {
            return " on " + String.join(", ", endpoints);
        }
        return " on " + String.join(", ", endpoints.subList(0, 3)) + " and " + (endpoints.size() - 3) + " more";
    }
}
