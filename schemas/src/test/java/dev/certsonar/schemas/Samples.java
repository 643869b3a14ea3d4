package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Rollout;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.avro.Timings;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated record of each topic value type, every optional field set. */
final class Samples {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    static final Instant NOT_AFTER = Instant.parse("2026-12-20T12:00:00Z");

    private Samples() {
    }

    static Target target() {
        return Target.newBuilder()
                .setId("tls://shop.example.com:443")
                .setService("shop")
                .setOwner("team-web")
                .setHost("shop.example.com")
                .setPorts(List.of(443, 8443))
                .setSni("shop.example.com")
                .setProtocol(Protocol.HTTPS)
                .setLabels(Map.of("env", "prod"))
                .setIntervalMillis(Duration.ofHours(6).toMillis())
                .setWarnDays(30.0)
                .setWarnFraction(0.25)
                .setCriticalDays(7.0)
                .setCriticalFraction(0.1)
                .build();
    }

    static ScanRequest scanRequest() {
        return ScanRequest.newBuilder()
                .setScanId("scan-1")
                .setTarget(target())
                .setRequestedAt(NOW)
                .setNotAfterDeadline(NOW.plus(Duration.ofHours(6)))
                .build();
    }

    static Endpoint endpoint() {
        return Endpoint.newBuilder().setAddress("2001:db8::7").setPort(443).setSni("shop.example.com").build();
    }

    static CertificateRef certificateRef() {
        return CertificateRef.newBuilder()
                .setSha256("ab".repeat(32))
                .setSubject("CN=shop.example.com")
                .setIssuer("CN=Example CA")
                .setNotBefore(NOW.minus(Duration.ofDays(60)))
                .setNotAfter(NOT_AFTER)
                .build();
    }

    static Observation observation() {
        Certificate leaf = Certificate.newBuilder()
                .setSha256("ab".repeat(32))
                .setSubject("CN=shop.example.com")
                .setIssuer("CN=Example CA")
                .setSerial("00ff10")
                .setNotBefore(NOW.minus(Duration.ofDays(60)))
                .setNotAfter(NOT_AFTER)
                .setKeyAlgorithm("EC")
                .setKeyBits(256)
                .setSignatureAlgorithm("SHA256withECDSA")
                .setSans(List.of("shop.example.com", "192.0.2.7"))
                .setOcspUrls(List.of("http://ocsp.example.com"))
                .setCaIssuersUrls(List.of("http://ca.example.com/ca.der"))
                .setCrlUrls(List.of("http://crl.example.com/ca.crl"))
                .setKeyUsage(List.of("digitalSignature"))
                .setExtendedKeyUsage(List.of("serverAuth"))
                .setCa(false)
                .setSelfSigned(false)
                .setSctCount(2)
                .setDer(ByteBuffer.wrap(new byte[]{0x30, (byte) 0x82, 0x01, 0x0a}))
                .build();
        return Observation.newBuilder()
                .setScanId("scan-1")
                .setTargetId("tls://shop.example.com:443")
                .setService("shop")
                .setOwner("team-web")
                .setHost("shop.example.com")
                .setProtocol(Protocol.TLS)
                .setEndpoint(endpoint())
                .setScanEndpoints(List.of(endpoint(), Endpoint.newBuilder().setAddress("192.0.2.7").setPort(443).build()))
                .setObservedAt(NOW)
                .setOutcome(Outcome.OK)
                .setError(null)
                .setTimings(Timings.newBuilder().setDnsMillis(3L).setConnectMillis(5L).setStarttlsMillis(null)
                        .setHandshakeMillis(20L).setTotalMillis(29L).build())
                .setTlsVersion("TLSv1.3")
                .setCipherSuite("TLS_AES_128_GCM_SHA256")
                .setChain(List.of(leaf))
                .setNotAfter(NOT_AFTER)
                .setServedChainNotAfter(NOT_AFTER)
                .setExpiryCertificate(certificateRef())
                .setChecks(Checks.newBuilder().setTrusted(true).setHostnameMatch(true).setChainComplete(true)
                        .setPublicAnchor(false).setHostnameChecked("shop.example.com")
                        .setProblems(List.of("the certificate expires in 23 days")).build())
                .setLabels(Map.of("env", "prod"))
                .build();
    }

    static ServiceStatus serviceStatus() {
        return ServiceStatus.newBuilder()
                .setService("shop")
                .setOwner("team-web")
                .setLabels(Map.of("env", "prod"))
                .setStatus(Status.WARNING)
                .setNotAfter(NOT_AFTER)
                .setDaysLeft(23.0)
                .setConditions(List.of(Condition.newBuilder()
                        .setType(ConditionType.EXPIRING)
                        .setLevel(Severity.WARNING)
                        .setCertificate(certificateRef())
                        .setEndpoints(List.of("[2001:db8::7]:443 sni=shop.example.com"))
                        .setSince(NOW.minus(Duration.ofDays(1)))
                        .setConsecutive(4)
                        .setMessage("expires in 23 days")
                        .build()))
                .setEndpoints(List.of(EndpointStatus.newBuilder()
                        .setEndpoint(endpoint())
                        .setTargetId("tls://shop.example.com:443")
                        .setStatus(Status.WARNING)
                        .setOutcome(Outcome.OK)
                        .setNotAfter(NOT_AFTER)
                        .setLeaf(certificateRef())
                        .setLastObservedAt(NOW)
                        .setProblems(List.of("expires in 23 days"))
                        .build()))
                .setRollout(Rollout.newBuilder()
                        .setNewCertificate(certificateRef())
                        .setEndpointsNew(List.of("192.0.2.7:443 sni=shop.example.com"))
                        .setEndpointsOld(List.of("[2001:db8::7]:443 sni=shop.example.com"))
                        .setSince(NOW.minus(Duration.ofHours(2)))
                        .build())
                .setProblems(List.of("owners disagree: team-web, team-shop"))
                .setUpdatedAt(NOW)
                .build();
    }

    static Alert alert() {
        return Alert.newBuilder()
                .setAlertId("alert-1")
                .setEventId("event-1")
                .setState(AlertState.FIRING)
                .setReminder(false)
                .setSeverity(Severity.WARNING)
                .setCondition(ConditionType.EXPIRING)
                .setLevel(Severity.WARNING)
                .setService("shop")
                .setOwner("team-web")
                .setLabels(Map.of("env", "prod"))
                .setDaysLeft(23.0)
                .setCertificate(certificateRef())
                .setEndpoints(List.of("[2001:db8::7]:443 sni=shop.example.com"))
                .setMessage("shop: certificate CN=shop.example.com expires in 23 days")
                .setAt(NOW)
                .setFirstFiredAt(NOW.minus(Duration.ofDays(1)))
                .build();
    }

    static Silence silence() {
        return Silence.newBuilder()
                .setId("silence-1")
                .setMatchers(List.of(new Matcher("service", "shop", false), new Matcher("label.env", "prod|staging", true)))
                .setStartsAt(NOW)
                .setEndsAt(NOW.plus(Duration.ofHours(2)))
                .setCreatedBy("alice")
                .setComment("planned migration")
                .setCreatedAt(NOW)
                .build();
    }

    static Acknowledgement acknowledgement() {
        return Acknowledgement.newBuilder()
                .setAlertId("alert-1")
                .setBy("bob")
                .setAt(NOW)
                .setComment("renewal ordered")
                .build();
    }

    static AcceptedException acceptedException() {
        return AcceptedException.newBuilder()
                .setId("exception-1")
                .setMatchers(List.of(new Matcher("service", "intranet", false)))
                .setConditions(List.of(ConditionType.UNTRUSTED))
                .setReason("internal service, self-signed by design")
                .setCreatedBy("carol")
                .setCreatedAt(NOW)
                .setUntil(NOW.plus(Duration.ofDays(90)))
                .build();
    }

    static AlertLifecycle alertLifecycle() {
        return AlertLifecycle.newBuilder()
                .setAlertId("alert-1")
                .setState(LifecycleState.ACKNOWLEDGED)
                .setSeverity(Severity.CRITICAL)
                .setCondition(ConditionType.EXPIRING)
                .setLevel(Severity.CRITICAL)
                .setService("shop")
                .setOwner("team-web")
                .setLabels(Map.of("env", "prod"))
                .setCertificate(certificateRef())
                .setEndpoints(List.of("[2001:db8::7]:443 sni=shop.example.com"))
                .setMessage("shop: certificate CN=shop.example.com expires in 5 days")
                .setSince(NOW.minus(Duration.ofHours(3)))
                .setFirstFiredAt(NOW.minus(Duration.ofHours(3)))
                .setLastNotifiedAt(NOW.minus(Duration.ofHours(3)))
                .setAcknowledgement(acknowledgement())
                .setUpdatedAt(NOW)
                .build();
    }

    static ScannerHeartbeat scannerHeartbeat() {
        return ScannerHeartbeat.newBuilder()
                .setScannerId("scanner-dmz-1")
                .setZone("dmz")
                .setVersion("0.1.0")
                .setHost("scan-1.dmz.example.com")
                .setStartedAt(NOW.minus(Duration.ofHours(1)))
                .setSentAt(NOW)
                .setIntervalMillis(10_000)
                .setInFlight(12)
                .setProbesPerSecond(240.5)
                .setTlsLibrary("boringssl")
                .build();
    }
}
