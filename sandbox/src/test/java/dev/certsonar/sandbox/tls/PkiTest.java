package dev.certsonar.sandbox.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aLeafHasTheRequestedDatesKeySignatureAndNames() throws Exception {
        CertificateAuthority root = Pki.rootBuilder("Test Root", CLOCK).key(KeySpec.ec(384)).create();
        Instant notBefore = Instant.parse("2026-02-01T00:00:00Z");
        Instant notAfter = Instant.parse("2026-05-01T00:00:00.750Z");

        IssuedCertificate leaf = root.leaf().subject("api.example.test")
                .dnsNames("api.example.test", "localhost").ipAddresses("127.0.0.1", "::1")
                .notBefore(notBefore).notAfter(notAfter)
                .key(KeySpec.ec(256)).signatureAlgorithm("SHA384withECDSA")
                .ocspUrl("http://127.0.0.1:1/ocsp").caIssuersUrl("http://127.0.0.1:1/ca.crt").crlUrl("http://127.0.0.1:1/ca.crl")
                .issue();

        X509Certificate c = leaf.certificate();
        assertThat(c.getVersion()).isEqualTo(3);
        assertThat(c.getNotBefore().toInstant()).isEqualTo(notBefore);
        assertThat(c.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
        assertThat(c.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(c.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=api.example.test");
        assertThat(c.getIssuerX500Principal()).isEqualTo(root.certificate().getSubjectX500Principal());
        assertThat(c.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "api.example.test"), List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(c.getBasicConstraints()).isEqualTo(-1);
        assertThat(c.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(c.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(c.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(c.getSerialNumber().signum()).isPositive();
        assertThat(c.getExtensionValue("1.3.6.1.5.5.7.1.1")).as("AIA").isNotNull();
        assertThat(c.getExtensionValue("2.5.29.31")).as("CRL distribution points").isNotNull();
        assertThat(authorityKeyId(c)).isEqualTo(subjectKeyId(root.certificate()));
        c.verify(root.publicKey());
        assertThat(leaf.chain()).containsExactly(c);
        assertThat(leaf.root()).isEqualTo(root.certificate());
    }

    @Test
    void defaultDatesComeFromTheClock() {
        IssuedCertificate expiring = Pki.root("Root", CLOCK).leaf().dnsNames("localhost").expiresIn(Duration.ofDays(3)).issue();
        IssuedCertificate expired = Pki.root("Root", CLOCK).leaf().dnsNames("localhost").expiresIn(Duration.ofDays(-10)).issue();
        IssuedCertificate valid = Pki.selfSigned(CLOCK).dnsNames("localhost").validFor(Duration.ofDays(200)).issue();

        assertThat(expiring.certificate().getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3)));
        assertThat(expiring.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(expired.certificate().getNotAfter().toInstant()).isEqualTo(NOW.minus(Duration.ofDays(10)));
        assertThat(expired.certificate().getNotBefore()).isBefore(expired.certificate().getNotAfter());
        assertThat(valid.certificate().getNotAfter().toInstant())
                .isEqualTo(NOW.minus(Duration.ofHours(1)).plus(Duration.ofDays(200)));
    }

    @Test
    void aWeakLeafHasAnRsa1024KeyAndASha1Signature() throws Exception {
        IssuedCertificate weak = Pki.root("Root", CLOCK).leaf().dnsNames("old.test")
                .key(KeySpec.rsa(1024)).signatureAlgorithm("SHA1withRSA").issue();

        assertThat(((RSAPublicKey) weak.certificate().getPublicKey()).getModulus().bitLength()).isEqualTo(1024);
        assertThat(weak.certificate().getSigAlgName()).isEqualTo("SHA1withRSA");
        assertThat(weak.certificate().getKeyUsage()[2]).as("keyEncipherment for RSA").isTrue();
    }

    @Test
    void intermediatesFormAChainThatValidatesToTheRoot() throws Exception {
        CertificateAuthority root = Pki.root("Root", CLOCK);
        CertificateAuthority intermediate = root.intermediateBuilder("Issuing CA").pathLength(0).create();
        IssuedCertificate leaf = intermediate.leaf().dnsNames("localhost").issue();

        assertThat(leaf.chain()).containsExactly(leaf.certificate(), intermediate.certificate());
        assertThat(leaf.chainWithRoot()).containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
        assertThat(intermediate.certificate().getBasicConstraints()).isEqualTo(0);
        assertThat(root.certificate().getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(root.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
        validate(leaf.chain(), root.certificate());
    }

    @Test
    void aCrossSignedCaChainsToTheOtherRoot() throws Exception {
        CertificateAuthority oldRoot = Pki.root("Old Root", CLOCK);
        CertificateAuthority newRoot = Pki.root("New Root", CLOCK);
        X509Certificate cross = oldRoot.crossSign(newRoot, NOW.plus(Duration.ofDays(365)));
        IssuedCertificate leaf = newRoot.leaf().dnsNames("localhost").issue();

        assertThat(cross.getSubjectX500Principal()).isEqualTo(newRoot.certificate().getSubjectX500Principal());
        assertThat(cross.getIssuerX500Principal()).isEqualTo(oldRoot.certificate().getSubjectX500Principal());
        assertThat(cross.getPublicKey()).isEqualTo(newRoot.publicKey());
        assertThat(cross.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        validate(List.of(leaf.certificate(), cross), oldRoot.certificate());
    }

    @Test
    void aSelfSignedCertificateIsItsOwnRoot() throws Exception {
        IssuedCertificate self = Pki.selfSigned(CLOCK).dnsNames("localhost").key(KeySpec.ec(256)).issue();

        assertThat(self.certificate().getSubjectX500Principal()).isEqualTo(self.certificate().getIssuerX500Principal());
        assertThat(self.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(self.chain()).containsExactly(self.certificate());
        assertThat(self.root()).isEqualTo(self.certificate());
        self.certificate().verify(self.certificate().getPublicKey());
    }

    @Test
    void serialsAreRandomAndPositive() {
        CertificateAuthority root = Pki.root("Root", CLOCK);
        BigInteger a = root.leaf().key(KeySpec.ec(256)).issue().certificate().getSerialNumber();
        BigInteger b = root.leaf().key(KeySpec.ec(256)).issue().certificate().getSerialNumber();
        assertThat(a).isPositive().isNotEqualTo(b);
    }

    @Test
    void aSignatureAlgorithmThatDoesNotFitTheIssuerKeyIsRejected() {
        CertificateAuthority ecRoot = Pki.rootBuilder("EC Root", CLOCK).key(KeySpec.ec(256)).create();
        assertThatThrownBy(() -> ecRoot.leaf().signatureAlgorithm("SHA1withRSA").issue())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHA1withRSA").hasMessageContaining("EC");
    }

    @Test
    void pemWritesAndReadsCertificatesInOrder(@TempDir Path dir) {
        CertificateAuthority root = Pki.root("Root", CLOCK);
        IssuedCertificate leaf = root.intermediate("CA").leaf().dnsNames("localhost").issue();

        Path file = Pem.write(dir.resolve("sub/chain.pem"), leaf.chainWithRoot().toArray(X509Certificate[]::new));

        assertThat(Pem.read(file)).containsExactlyElementsOf(leaf.chainWithRoot());
        assertThat(Pem.parse(Pem.toPem(root.certificate()))).containsExactly(root.certificate());
        assertThatThrownBy(() -> Pem.parse("not a certificate")).hasMessageContaining("no readable certificate");
    }

    @Test
    void aCaCanCarryNameConstraintsAndAnExtendedKeyUsage() throws Exception {
        CertificateAuthority root = Pki.root("Root", CLOCK);
        CertificateAuthority constrained = root.intermediateBuilder("Constrained CA")
                .profile(p -> p.nameConstraints("DNS:example.test", "IP:10.0.0.0/8")
                .nameConstraints("EXCLUDED", "DNS:secret.example.test").extendedKeyUsage("serverAuth")).create();
        X509Certificate c = constrained.certificate();
        assertThat(c.getCriticalExtensionOIDs()).contains("2.5.29.30");
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        validate(constrained.leaf().dnsNames("www.example.test").issue().chain(), root.certificate());
        assertThatThrownBy(() -> validate(constrained.leaf().dnsNames("www.other.test").issue().chain(), root.certificate()))
                .hasMessageContaining("name constraints");
    }

    @Test
    void aLeafCanHaveAnyUsagesAndExtensions() throws Exception {
        CertificateAuthority root = Pki.root("Root", CLOCK);
        X509Certificate c = root.leaf().dnsNames("a.test").profile(p -> p.keyUsage("keyAgreement").extendedKeyUsage("clientAuth")
                .extension("1.3.6.1.4.1.55555.1", true, new byte[] {5, 0})).issue().certificate();
        assertThat(c.getKeyUsage()[4]).as("keyAgreement").isTrue();
        assertThat(c.getKeyUsage()[0]).as("digitalSignature").isFalse();
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(c.getCriticalExtensionOIDs()).contains("1.3.6.1.4.1.55555.1");
        X509Certificate bare = root.leaf().dnsNames("a.test").profile(p -> p.keyUsage().extendedKeyUsage()).issue().certificate();
        assertThat(bare.getKeyUsage()).isNull();
        assertThat(bare.getExtendedKeyUsage()).isNull();
    }

    @Test
    void version1CertificatesHaveNoExtensions() throws Exception {
        CertificateAuthority v1Root = Pki.rootBuilder("V1 Root", CLOCK).profile(Profile::version1).create();
        X509Certificate leaf = v1Root.leaf().dnsNames("a.test").profile(Profile::version1).issue().certificate();
        assertThat(v1Root.certificate().getVersion()).isEqualTo(1);
        assertThat(leaf.getVersion()).isEqualTo(1);
        assertThat(leaf.getSubjectAlternativeNames()).isNull();
        assertThat(root(v1Root).getBasicConstraints()).isEqualTo(-1);
        CertificateAuthority noConstraints = Pki.root("Root", CLOCK).intermediateBuilder("No BC").profile(p -> p.basicConstraints(null)).create();
        assertThat(noConstraints.certificate().getExtensionValue("2.5.29.19")).isNull();
        assertThat(Pki.root("Root", CLOCK).intermediateBuilder("Not a CA").profile(p -> p.basicConstraints(false)).create().certificate().getBasicConstraints())
                .isEqualTo(-1);
    }

    @Test
    void dsaKeysAndRsaPssSignatures() throws Exception {
        CertificateAuthority dsaRoot = Pki.rootBuilder("DSA Root", CLOCK).key(KeySpec.dsa(2048)).create();
        IssuedCertificate dsaSigned = dsaRoot.leaf().dnsNames("a.test").issue();
        assertThat(dsaSigned.certificate().getSigAlgName()).isEqualTo("SHA256withDSA");
        validate(dsaSigned.chain(), dsaRoot.certificate());
        CertificateAuthority root = Pki.root("Root", CLOCK);
        X509Certificate pss = root.leaf().dnsNames("a.test").signatureAlgorithm("SHA1withRSAandMGF1").issue().certificate();
        assertThat(pss.getSigAlgName()).isEqualTo("RSASSA-PSS");
        pss.verify(root.publicKey());
        assertThat(root.leaf().key(KeySpec.dsa(2048)).issue().certificate().getPublicKey().getAlgorithm()).isEqualTo("DSA");
    }

    private static X509Certificate root(CertificateAuthority ca) {
        return ca.certificate();
    }

    private static void validate(List<X509Certificate> chain, X509Certificate root) throws Exception {
        var path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(NOW));
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }

    private static byte[] subjectKeyId(X509Certificate c) {
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(c.getExtensionValue("2.5.29.14")).getOctets())
                .getKeyIdentifier();
    }

    private static byte[] authorityKeyId(X509Certificate c) {
        return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(c.getExtensionValue("2.5.29.35")).getOctets())
                .getKeyIdentifier();
    }
}
