package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.avro.AlternateChain;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Revocation;
import dev.certsonar.schemas.avro.RevocationStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reading of an observation at an instant: the conditions its outcome, dates and checks give, each with its
 * level, and the status they make together (the worst). {@code scan}'s table, the aggregator's endpoints and services,
 * and so the notifier's alerts all come from here, so none of them says OK where another raises an alarm. Pure: time
 * and policy are arguments.
 *
 * <p>One cause gives one condition: a self-signed leaf that is not an anchor is UNTRUSTED (not also an incomplete
 * chain), a chain that lacks an intermediate is INCOMPLETE_CHAIN (not also untrusted), a certificate pinned as an
 * anchor (even a self-signed leaf) is trusted and gives neither.
 */
public final class Verdicts {

    /** One condition of an endpoint: what is wrong, its level, the certificate it is about (null for none), in words. */
    public record Finding(ConditionType type, Severity level, CertificateRef certificate, String message) {
    }

    /** The status of an observation and the conditions that make it. */
    public record Verdict(Status status, List<Finding> conditions) {
    }

    private Verdicts() {
    }

    /** The conditions of the observation at {@code now} under the policy, and the status they make. */
    public static Verdict of(Observation o, ExpiryPolicy policy, Instant now) {
        List<Finding> conditions = conditions(o, policy, now);
        Status status = Status.OK;
        for (Finding f : conditions) {
            Status s = statusOf(f.type(), f.level());
            if (s.ordinal() > status.ordinal()) {
                status = s;
            }
        }
        return new Verdict(status, List.copyOf(conditions));
    }

    /**
     * The status one condition makes on its own: EXPIRED; INVALID for trust, name, chain, dates not begun and weak
     * crypto and revocation; UNREACHABLE; STALE; and for expiry and the policy's findings (legacy protocol, lifetime over the maximum)
     * the status of their level: WARNING or CRITICAL (INFO leaves the status OK). A rollout not yet complete is shown
     * on the service and leaves its status as it is, as does the watchdog; a zone's FLEET_DOWN and FLEET_BEHIND make
     * the status of their level, as does REVOCATION_UNKNOWN (a soft failure, WARNING).
     */
    public static Status statusOf(ConditionType type, Severity level) {
        return switch (type) {
            case EXPIRED -> Status.EXPIRED;
            case UNTRUSTED, HOSTNAME_MISMATCH, INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO, REVOKED -> Status.INVALID;
            case UNREACHABLE -> Status.UNREACHABLE;
            case STALE -> Status.STALE;
            case ROLLOUT_INCOMPLETE, WATCHDOG -> Status.OK;
            case EXPIRING, LEGACY_PROTOCOL, LIFETIME_EXCEEDS_MAXIMUM, REVOCATION_UNKNOWN, FLEET_DOWN, FLEET_BEHIND, UNKNOWN -> switch (level) {
                case CRITICAL -> Status.CRITICAL;
                case WARNING -> Status.WARNING;
                case INFO, UNKNOWN -> Status.OK;
            };
        };
    }

    /**
     * The severity of an alert about a condition: fixed per condition for those whose level says how urgent the
     * certificate's state is, the level itself for expiry, the policy's findings and a condition unknown here.
     */
    public static Severity alertSeverity(ConditionType condition, Severity level) {
        return switch (condition) {
            case EXPIRED, UNTRUSTED, HOSTNAME_MISMATCH, INCOMPLETE_CHAIN, NOT_YET_VALID, UNREACHABLE, FLEET_DOWN, REVOKED -> Severity.CRITICAL;
            case WEAK_CRYPTO, ROLLOUT_INCOMPLETE, STALE, FLEET_BEHIND, REVOCATION_UNKNOWN -> Severity.WARNING;
            case WATCHDOG -> Severity.INFO;
            case EXPIRING, LEGACY_PROTOCOL, LIFETIME_EXCEEDS_MAXIMUM, UNKNOWN ->
                    level == null || level == Severity.UNKNOWN ? Severity.WARNING : level;
        };
    }

    private static List<Finding> conditions(Observation o, ExpiryPolicy policy, Instant now) {
        List<Finding> out = new ArrayList<>();
        if (o.getOutcome() != Outcome.OK) {
            out.add(new Finding(ConditionType.UNREACHABLE, Severity.WARNING, null,
                    "not reachable over TLS (" + o.getOutcome() + ")"));
        }
        CertificateRef leaf = leaf(o);
        String leafName = leaf != null ? leaf.getSubject() : "the certificate";
        if (o.getNotAfter() != null) {
            CertificateRef expiring = o.getExpiryCertificate() != null ? o.getExpiryCertificate() : leaf;
            String name = expiring != null ? expiring.getSubject() : "the certificate";
            if (now.isAfter(o.getNotAfter())) {
                out.add(new Finding(ConditionType.EXPIRED, Severity.CRITICAL, expiring,
                        "certificate " + name + " expired at " + o.getNotAfter()));
            } else if (now.isAfter(StatusRules.criticalAt(o, policy))) {
                out.add(new Finding(ConditionType.EXPIRING, Severity.CRITICAL, expiring,
                        "certificate " + name + " expires at " + o.getNotAfter() + " (critical threshold passed)"));
            } else if (now.isAfter(StatusRules.warnAt(o, policy))) {
                out.add(new Finding(ConditionType.EXPIRING, Severity.WARNING, expiring,
                        "certificate " + name + " expires at " + o.getNotAfter() + " (warning threshold passed)"));
            }
        }
        out.addAll(revocationFindings(o.getRevocation(), o.getChain()));
        alternateChains(o, policy, now, out);
        Checks c = o.getChecks();
        if (c == null) {
            return out;
        }
        boolean selfSigned = c.getSelfSigned();
        if (!c.getChainComplete() && !selfSigned) {
            out.add(new Finding(ConditionType.INCOMPLETE_CHAIN, Severity.CRITICAL, leaf,
                    "the chain served with " + leafName + " lacks an intermediate certificate"));
        } else if (!c.getTrusted() || !c.getChainComplete()) {
            out.add(new Finding(ConditionType.UNTRUSTED, Severity.CRITICAL, leaf, selfSigned
                    ? "certificate " + leafName + " is self-signed"
                    : "certificate " + leafName + " does not chain to a trusted anchor"));
        }
        if (!c.getHostnameMatch()) {
            String checked = c.getHostnameChecked();
            out.add(new Finding(ConditionType.HOSTNAME_MISMATCH, Severity.CRITICAL, leaf,
                    "certificate " + leafName + " does not match " + (checked != null ? "the name " + checked : "the host name")));
        }
        if (StatusRules.notYetValid(o, now)) {
            out.add(new Finding(ConditionType.NOT_YET_VALID, Severity.CRITICAL, leaf,
                    "certificate " + leafName + " is not valid yet"));
        }
        if (c.getWeakKey() || c.getWeakSignature()) {
            String what = c.getWeakKey() && c.getWeakSignature() ? "a weak key and a weak signature"
                    : c.getWeakKey() ? "a weak key" : "a weak signature";
            out.add(new Finding(ConditionType.WEAK_CRYPTO, Severity.CRITICAL, leaf,
                    "the chain of " + leafName + " uses " + what));
        }
        if (c.getLegacyProtocol()) {
            out.add(new Finding(ConditionType.LEGACY_PROTOCOL, policy.legacyProtocol(), null,
                    "the server negotiated " + (o.getTlsVersion() != null ? o.getTlsVersion() : "a legacy protocol")
                            + " (TLS 1.2 or newer expected)"));
        }
        if (c.getLifetimeExceedsMaximum()) {
            out.add(new Finding(ConditionType.LIFETIME_EXCEEDS_MAXIMUM, policy.lifetimeExceedsMaximum(), leaf,
                    "certificate " + leafName + lifetimeWords(leaf)
                            + " longer than the CA/Browser Forum allows for its issue date"));
        }
        return out;
    }

    /**
     * The conditions of the revocation statuses of a chain's validated path: REVOKED for each revoked certificate,
     * with the date and reason; REVOCATION_UNKNOWN for each whose status could not be learned for longer than the
     * scanner's grace period (a soft failure until then: no condition).
     */
    public static List<Finding> revocationFindings(List<Revocation> statuses, List<Certificate> chain) {
        List<Finding> out = new ArrayList<>();
        for (Revocation r : statuses == null ? List.<Revocation>of() : statuses) {
            if (r.getStatus() == RevocationStatus.REVOKED) {
                out.add(new Finding(ConditionType.REVOKED, Severity.CRITICAL, revoked(r, chain),
                        "certificate " + r.getSubject() + " was revoked at " + r.getRevokedAt()
                                + (r.getReason() == null ? "" : " (reason: " + r.getReason() + ")")));
            } else if (r.getStatus() == RevocationStatus.UNKNOWN && r.getGraceExceeded()) {
                out.add(new Finding(ConditionType.REVOCATION_UNKNOWN, Severity.WARNING, revoked(r, chain),
                        "the revocation status of certificate " + r.getSubject() + " is unknown since "
                                + r.getUnknownSince() + (r.getDetail() == null ? "" : " (" + r.getDetail() + ")")
                                + "; the check soft-fails: the certificate is taken as not revoked"));
            }
        }
        return out;
    }

    /** The served certificate the status is about; null when it is not among the served. */
    private static CertificateRef revoked(Revocation r, List<Certificate> chain) {
        for (Certificate c : chain == null ? List.<Certificate>of() : chain) {
            if (c.getSha256().equals(r.getSha256())) {
                return ref(c);
            }
        }
        return null;
    }

    /**
     * The conditions of the other chains the endpoint serves (dual certificates), read as those of the first chain,
     * each naming a certificate of its own chain. Their expiry is not read here: the observation's notAfter and
     * expiryCertificate already cover every chain.
     */
    private static void alternateChains(Observation o, ExpiryPolicy policy, Instant now, List<Finding> out) {
        for (AlternateChain a : o.getAlternateChains()) {
            Observation alone = Observation.newBuilder(o).setChain(a.getChain()).setChecks(a.getChecks())
                    .setTlsVersion(a.getTlsVersion()).setCipherSuite(a.getCipherSuite()).setNotAfter(null)
                    .setExpiryCertificate(null).setRevocation(a.getRevocation()).setAlternateChains(List.of()).build();
            out.addAll(conditions(alone, policy, now));
        }
    }

    private static String lifetimeWords(CertificateRef leaf) {
        if (leaf == null || leaf.getNotBefore() == null || leaf.getNotAfter() == null) {
            return " is valid";
        }
        return " is valid for " + Duration.between(leaf.getNotBefore(), leaf.getNotAfter()).plusSeconds(1).toDays() + " days,";
    }

    /** The served leaf as a reference; null when no chain was received. */
    public static CertificateRef leaf(Observation o) {
        if (o.getChain() == null || o.getChain().isEmpty()) {
            return null;
        }
        return ref(o.getChain().get(0));
    }

    /** A reference to a served certificate. */
    public static CertificateRef ref(Certificate c) {
        return CertificateRef.newBuilder()
                .setSha256(c.getSha256())
                .setSubject(c.getSubject())
                .setIssuer(c.getIssuer())
                .setNotBefore(c.getNotBefore())
                .setNotAfter(c.getNotAfter())
                .build();
    }
}
