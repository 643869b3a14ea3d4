package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Service statuses as the aggregator writes them, for tests. */
final class Statuses {

    static final String ENDPOINT = "127.0.0.1:443 sni=shop.example.com";

    private Statuses() {
    }

    static CertificateRef cert(String sha, String subject, Instant notAfter) {
        return CertificateRef.newBuilder().setSha256(sha).setSubject(subject).setIssuer("CN=Test CA")
                .setNotBefore(notAfter.minus(Duration.ofDays(90))).setNotAfter(notAfter).build();
    }

    static Condition condition(ConditionType type, Severity level, CertificateRef cert, Instant since, int consecutive) {
        return Condition.newBuilder().setType(type).setLevel(level).setCertificate(cert)
                .setEndpoints(List.of(ENDPOINT)).setSince(since).setConsecutive(consecutive)
                .setMessage("").build();
    }

    static Condition condition(ConditionType type, Severity level, CertificateRef cert, Instant since) {
        return condition(type, level, cert, since, 1);
    }

    static ServiceStatus status(String service, Instant updatedAt, CertificateRef leaf, Condition... conditions) {
        List<EndpointStatus> endpoints = new ArrayList<>();
        if (leaf != null) {
            endpoints.add(EndpointStatus.newBuilder()
                    .setEndpoint(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(443)
                            .setSni("shop.example.com").build())
                    .setTargetId("tls://shop.example.com:443")
                    .setStatus(conditions.length == 0 ? Status.OK : Status.CRITICAL)
                    .setOutcome(Outcome.OK)
                    .setNotAfter(leaf.getNotAfter())
                    .setLeaf(leaf)
                    .setLastObservedAt(updatedAt)
                    .setProblems(List.of())
                    .build());
        }
        return ServiceStatus.newBuilder()
                .setService(service)
                .setOwner("team-web")
                .setLabels(Map.of("env", "prod"))
                .setStatus(conditions.length == 0 ? Status.OK : Status.CRITICAL)
                .setNotAfter(leaf == null ? null : leaf.getNotAfter())
                .setDaysLeft(leaf == null ? null
                        : Duration.between(updatedAt, leaf.getNotAfter()).toMillis() / 86_400_000.0)
                .setConditions(List.of(conditions))
                .setEndpoints(endpoints)
                .setRollout(null)
                .setProblems(List.of())
                .setUpdatedAt(updatedAt)
                .build();
    }
}
