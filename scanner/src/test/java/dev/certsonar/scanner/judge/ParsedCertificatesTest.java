package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.schemas.avro.Certificate;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A certificate parsed once is handed out again as its own record, equal to a fresh parse. */
class ParsedCertificatesTest {

    @Test
    void aRememberedCertificateIsEqualToAFreshParseAndHasItsOwnEncodingBuffer() throws Exception {
        CertificateAuthority root = Pki.root("Parsed Root");
        IssuedCertificate leaf = root.intermediate("Parsed Issuing CA").leaf().dnsNames("a.parsed.test")
                .validFor(Duration.ofDays(90)).issue();
        ParsedCertificates parsed = new ParsedCertificates(new ChainJudge(TrustAnchors.of(List.of(root.certificate()))));

        Certificate first = parsed.parse(leaf.certificate());
        Certificate second = parsed.parse(leaf.certificate());
        Certificate intermediate = parsed.parse(leaf.chain().get(1));

        assertThat(first).isEqualTo(CertificateParser.parse(leaf.certificate())).isNotSameAs(second).isEqualTo(second);
        assertThat(intermediate).isEqualTo(CertificateParser.parse(leaf.chain().get(1))).isNotEqualTo(first);
        // reading one record's encoding leaves the other's untouched
        ByteBuffer der = first.getDer();
        der.get(new byte[der.remaining()]);
        assertThat(second.getDer().remaining()).isEqualTo(leaf.certificate().getEncoded().length);
    }
}
