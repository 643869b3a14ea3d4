package dev.certsonar.cli.inspect;

import dev.certsonar.scanner.judge.CertificateParser;
import dev.certsonar.scanner.judge.ChainJudge;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;

import javax.security.auth.x500.X500Principal;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Judges a stored chain as {@code scan} judges a served one: the same judge and anchors, no protocol (so no protocol
 * conditions), at a chosen instant; the verdict is an observation without endpoint, so that the status rules and the
 * output of {@code scan} apply unchanged.
 */
public final class StoredChainJudge {

    /** The scan id of every observation of a stored chain. */
    public static final String SCAN_ID = "inspect";

    private final ChainJudge judge;

    public StoredChainJudge(TrustAnchors anchors) {
        this.judge = new ChainJudge(anchors);
    }

    /**
     * @param target    what the line names as its target (the file and entry)
     * @param reference the name or address the leaf must match; null when the hostname check does not apply
     * @param at        the instant to judge at
     */
    public Observation judge(List<X509Certificate> chain, String target, String reference, Instant at) {
        ChainJudge.Judgement j = judge.judge(chain, reference, null, at);
        X509Certificate e = j.expiryCertificate();
        return Observation.newBuilder()
                .setScanId(SCAN_ID)
                .setTargetId(target)
                .setService(target)
                .setHost(reference == null ? target : reference)
                .setObservedAt(at)
                .setOutcome(Outcome.OK)
                .setChain(chain.stream().map(CertificateParser::parse).toList())
                .setNotAfter(j.notAfter())
                .setServedChainNotAfter(j.servedChainNotAfter())
                .setExpiryCertificate(new CertificateRef(CertificateParser.sha256(encoded(e)),
                        e.getSubjectX500Principal().getName(X500Principal.RFC2253),
                        e.getIssuerX500Principal().getName(X500Principal.RFC2253),
                        e.getNotBefore().toInstant(), e.getNotAfter().toInstant()))
                .setChecks(j.checks())
                .build();
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate has no encoding", e);
        }
    }
}
