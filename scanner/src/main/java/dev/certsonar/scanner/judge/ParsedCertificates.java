package dev.certsonar.scanner.judge;

import dev.certsonar.schemas.avro.Certificate;

import java.nio.ByteBuffer;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parsed form of served certificates, remembered by their encoding (up to {@link #REMEMBERED} of them): the
 * intermediates that every server of a CA sends are parsed once per engine, not once per probe. Each caller gets its
 * own record, sharing the unchangeable values and reading the encoding through its own buffer.
 */
public final class ParsedCertificates {

    static final int REMEMBERED = 20_000;

    private final Map<ByteBuffer, Certificate> parsed = new ConcurrentHashMap<>();
    private final Signatures signatures;

    /** Parses with the judge's signature checks, so a certificate both judged and described is verified once. */
    public ParsedCertificates(ChainJudge judge) {
        this.signatures = judge.signatures();
    }

    /** The certificate described completely ({@link CertificateParser#parse}), a record of the caller's own. */
    public Certificate parse(X509Certificate cert) {
        ByteBuffer der;
        try {
            der = ByteBuffer.wrap(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            return CertificateParser.parse(cert, signatures);
        }
        Certificate known = parsed.get(der);
        if (known == null) {
            known = CertificateParser.parse(cert, signatures);
            if (parsed.size() >= REMEMBERED) {
                parsed.clear();
            }
            parsed.put(der, known);
        }
        return copy(known);
    }

    private static Certificate copy(Certificate c) {
        Certificate copy = new Certificate();
        for (int i = 0; i < Certificate.getClassSchema().getFields().size(); i++) {
            copy.put(i, c.get(i));
        }
        copy.setDer(c.getDer() == null ? null : c.getDer().duplicate());
        return copy;
    }
}
