package dev.certsonar.aggregator;

import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Revocation;
import dev.certsonar.schemas.avro.RevocationSource;
import dev.certsonar.schemas.avro.RevocationStatus;
import dev.certsonar.schemas.avro.Target;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds observations for tests: by default one endpoint, OK, a trusted leaf for the given validity. */
public final class Obs {

    private String service = "shop";
    private String targetId = "tls://shop.example.com:443";
    private String host = "shop.example.com";
    private String owner = "team-web";
    private Endpoint endpoint = endpoint("10.0.0.1", 443, "shop.example.com");
    private List<Endpoint> scanEndpoints;
    private Instant observedAt;
    private Outcome outcome = Outcome.OK;
    private Instant notBefore;
    private Instant notAfter;
    private String subject = "CN=shop.example.com";
    private List<String> sans = List.of("shop.example.com");
    private boolean trusted = true;
    private boolean hostnameMatch = true;
    private boolean chainComplete = true;
    private boolean selfSigned;
    private boolean weakKey;
    private boolean weakSignature;
    private boolean notYetValid;
    private boolean legacyProtocol;
    private boolean lifetimeExceedsMaximum;
    private RevocationStatus revocation;
    private String serialSeed = "1";
    private Map<String, String> labels = Map.of("env", "prod");

    private Obs(Instant observedAt) {
        this.observedAt = observedAt;
    }

    /** An OK observation at {@code at} of a leaf valid from {@code notBefore} to {@code notAfter}. */
    public static Obs at(Instant at, Instant notBefore, Instant notAfter) {
        Obs o = new Obs(at);
        o.notBefore = notBefore;
        o.notAfter = notAfter;
        return o;
    }

    /** An OK observation at {@code at} of a leaf with {@code lifetime}, {@code left} of it remaining. */
    public static Obs lifetime(Instant at, Duration lifetime, Duration left) {
        Instant notAfter = at.plus(left);
        return at(at, notAfter.minus(lifetime), notAfter);
    }

    public static Obs unreachable(Instant at, Outcome outcome) {
        Obs o = new Obs(at);
        o.outcome = outcome;
        return o;
    }

    public static Endpoint endpoint(String address, int port, String sni) {
        return Endpoint.newBuilder().setAddress(address).setPort(port).setSni(sni).build();
    }

    public static Target target(String id, String service, String owner, String host) {
        return Target.newBuilder().setId(id).setService(service).setOwner(owner).setHost(host).setPorts(List.of(443))
                .setProtocol(Protocol.TLS).setLabels(Map.of("env", "prod")).build();
    }

    public Obs service(String value) { this.service = value; return this; }
    public Obs target(String value) { this.targetId = value; return this; }
    public Obs host(String value) { this.host = value; return this; }
    public Obs owner(String value) { this.owner = value; return this; }
    public Obs endpoint(Endpoint value) { this.endpoint = value; return this; }
    public Obs noEndpoint() { this.endpoint = null; return this; }
    public Obs scanEndpoints(Endpoint... values) { this.scanEndpoints = List.of(values); return this; }
    public Obs subject(String value) { this.subject = value; return this; }
    public Obs sans(String... values) { this.sans = List.of(values); return this; }
    public Obs labels(Map<String, String> values) { this.labels = Map.copyOf(values); return this; }
    public Obs serial(String value) { this.serialSeed = value; return this; }
    public Obs untrusted() { this.trusted = false; return this; }
    public Obs selfSigned() { this.selfSigned = true; this.trusted = false; return this; }
    public Obs hostnameMismatch() { this.hostnameMatch = false; return this; }
    public Obs incompleteChain() { this.chainComplete = false; this.trusted = false; return this; }
    public Obs weakKey() { this.weakKey = true; return this; }
    public Obs weakSignature() { this.weakSignature = true; return this; }
    public Obs notYetValid() { this.notYetValid = true; return this; }
    /** A self-signed leaf pinned as a trust anchor (a CA file holds it): trusted. */
    public Obs pinnedSelfSigned() { this.selfSigned = true; this.trusted = true; return this; }
    public Obs legacyProtocol() { this.legacyProtocol = true; return this; }
    public Obs lifetimeExceedsMaximum() { this.lifetimeExceedsMaximum = true; return this; }
    /** The leaf revoked, as the scanner's CRL check found it. */
    public Obs revoked() { this.revocation = RevocationStatus.REVOKED; return this; }
    /** The leaf's revocation status unknown for longer than the scanner's grace period. */
    public Obs revocationUnknownPastGrace() { this.revocation = RevocationStatus.UNKNOWN; return this; }

    public Certificate leaf() {
        String sha = sha256(subject + "|" + notBefore + "|" + notAfter + "|" + serialSeed);
        return Certificate.newBuilder()
                .setSha256(sha)
                .setSubject(subject)
                .setIssuer(selfSigned ? subject : "CN=Test CA")
                .setSerial(sha.substring(0, 16))
                .setNotBefore(notBefore)
                .setNotAfter(notAfter)
                .setKeyAlgorithm("EC")
                .setKeyBits(weakKey ? 160 : 256)
                .setSignatureAlgorithm(weakSignature ? "SHA1withRSA" : "SHA256withECDSA")
                .setSans(sans)
                .setSelfSigned(selfSigned)
                .setDer(ByteBuffer.wrap(sha.getBytes(StandardCharsets.US_ASCII)))
                .build();
    }

    public Observation build() {
        List<Endpoint> found = scanEndpoints != null ? scanEndpoints : endpoint != null ? List.of(endpoint) : List.of();
        Observation.Builder b = Observation.newBuilder()
                .setScanId("scan-" + observedAt.toEpochMilli())
                .setTargetId(targetId)
                .setService(service)
                .setOwner(owner)
                .setHost(host)
                .setProtocol(Protocol.TLS)
                .setEndpoint(endpoint)
                .setScanEndpoints(new ArrayList<>(found))
                .setObservedAt(observedAt)
                .setOutcome(outcome)
                .setLabels(labels);
        if (outcome != Outcome.OK) {
            return b.setError("probe failed: " + outcome).build();
        }
        Certificate leaf = leaf();
        List<String> problems = new ArrayList<>();
        if (selfSigned) problems.add("the certificate is self-signed");
        if (!hostnameMatch) problems.add("the certificate does not match " + host);
        if (legacyProtocol) problems.add("legacy protocol: the server negotiated TLSv1.1 (TLS 1.2 or newer expected)");
        if (lifetimeExceedsMaximum) problems.add("lifetime exceeds the CA/Browser Forum maximum");
        if (revocation != null) {
            b.setRevocation(List.of(Revocation.newBuilder().setSha256(leaf.getSha256())
                    .setSubject(subject).setStatus(revocation).setSource(RevocationSource.CRL)
                    .setUrl("http://crl.example.com/ca.crl")
                    .setRevokedAt(revocation == RevocationStatus.REVOKED ? notBefore.plusSeconds(3600) : null)
                    .setReason(revocation == RevocationStatus.REVOKED ? "keyCompromise" : null)
                    .setUnknownSince(revocation == RevocationStatus.UNKNOWN ? notBefore : null)
                    .setGraceExceeded(revocation == RevocationStatus.UNKNOWN)
                    .setDetail(revocation == RevocationStatus.UNKNOWN ? "timeout" : null)
                    .build()));
        }
        return b.setTlsVersion(legacyProtocol ? "TLSv1.1" : "TLSv1.3")
                .setCipherSuite("TLS_AES_128_GCM_SHA256")
                .setChain(List.of(leaf))
                .setNotAfter(notAfter)
                .setServedChainNotAfter(notAfter)
                .setExpiryCertificate(CertificateRef.newBuilder().setSha256(leaf.getSha256()).setSubject(subject)
                        .setIssuer(leaf.getIssuer()).setNotBefore(notBefore).setNotAfter(notAfter).build())
                .setChecks(Checks.newBuilder()
                        .setTrusted(trusted)
                        .setHostnameMatch(hostnameMatch)
                        .setChainComplete(chainComplete)
                        .setWeakKey(weakKey)
                        .setWeakSignature(weakSignature)
                        .setNotYetValid(notYetValid)
                        .setExpired(observedAt.isAfter(notAfter))
                        .setSelfSigned(selfSigned)
                        .setLegacyProtocol(legacyProtocol)
                        .setLifetimeExceedsMaximum(lifetimeExceedsMaximum)
                        .setPublicAnchor(lifetimeExceedsMaximum)
                        .setHostnameChecked(host)
                        .setProblems(problems)
                        .build())
                .build();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
