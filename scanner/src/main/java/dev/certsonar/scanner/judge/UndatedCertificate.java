package dev.certsonar.scanner.judge;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.jcajce.interfaces.BCX509Certificate;

import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.function.BiPredicate;

/**
 * A served certificate as the path validator sees it when the rules of RFC 5280 are checked with dates set aside: every
 * field is the certificate's own, its validity holds at any date (the judge names expired and not-yet-valid
 * certificates itself), and its signature is checked by the judge's remembered signature checks, so the validator
 * verifies nothing twice. Its structure, parsed once when the validator first asks, is kept with it, so a certificate
 * that many paths share (an intermediate, an anchor) is parsed once.
 */
final class UndatedCertificate extends DelegatingCertificate implements BCX509Certificate {

    private final BiPredicate<X509Certificate, PublicKey> verifies;
    private volatile TBSCertificate tbs;

    UndatedCertificate(X509Certificate certificate, BiPredicate<X509Certificate, PublicKey> verifies) {
        super(certificate);
        this.verifies = verifies;
    }

    @Override
    public void checkValidity() {
        // dates set aside
    }

    @Override
    public void checkValidity(Date date) {
        // dates set aside
    }

    @Override
    public void verify(PublicKey key) throws SignatureException {
        if (!verifies.test(delegate(), key)) {
            throw new SignatureException("the signature of " + getSubjectX500Principal() + " does not verify with the issuer's key");
        }
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws SignatureException {
        verify(key);
    }

    @Override
    public void verify(PublicKey key, Provider sigProvider) throws SignatureException {
        verify(key);
    }

    @Override
    public TBSCertificate getTBSCertificateNative() {
        TBSCertificate t = tbs;
        if (t == null) {
            try {
                t = TBSCertificate.getInstance(getTBSCertificate());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("the certificate " + getSubjectX500Principal() + " cannot be encoded", e);
            }
            tbs = t;
        }
        return t;
    }

    @Override
    public X500Name getIssuerX500Name() {
        return getTBSCertificateNative().getIssuer();
    }

    @Override
    public X500Name getSubjectX500Name() {
        return getTBSCertificateNative().getSubject();
    }
}
