package dev.certsonar.scanner.judge;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.jcajce.interfaces.BCX509Certificate;

import javax.security.auth.x500.X500Principal;
import java.math.BigInteger;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * A served certificate as the path validator sees it when the rules of RFC 5280 are checked with dates set aside: every
 * field is the certificate's own, its validity holds at any date (the judge names expired and not-yet-valid
 * certificates itself), and its signature is checked by the judge's remembered signature checks, so the validator
 * verifies nothing twice. Its structure, parsed once when the validator first asks, is kept with it, so a certificate
 * that many paths share (an intermediate, an anchor) is parsed once.
 */
final class UndatedCertificate extends X509Certificate implements BCX509Certificate {

    private final X509Certificate c;
    private final BiPredicate<X509Certificate, PublicKey> verifies;
    private volatile TBSCertificate tbs;

    UndatedCertificate(X509Certificate certificate, BiPredicate<X509Certificate, PublicKey> verifies) {
        this.c = certificate;
        this.verifies = verifies;
    }

    /** The certificate served. */
    X509Certificate served() {
        return c;
    }

    @Override
    public TBSCertificate getTBSCertificateNative() {
        TBSCertificate t = tbs;
        if (t == null) {
            try {
                t = TBSCertificate.getInstance(c.getTBSCertificate());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("the certificate " + c.getSubjectX500Principal() + " cannot be encoded", e);
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
        if (!verifies.test(c, key)) {
            throw new SignatureException("the signature of " + c.getSubjectX500Principal() + " does not verify with the issuer's key");
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
    public int getVersion() {
        return c.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return c.getSerialNumber();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getIssuerDN() {
        return c.getIssuerDN();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getSubjectDN() {
        return c.getSubjectDN();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
        return c.getIssuerX500Principal();
    }

    @Override
    public X500Principal getSubjectX500Principal() {
        return c.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
        return c.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return c.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws CertificateEncodingException {
        return c.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
        return c.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return c.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return c.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
        return c.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
        return c.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return c.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
        return c.getKeyUsage();
    }

    @Override
    public List<String> getExtendedKeyUsage() throws CertificateParsingException {
        return c.getExtendedKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
        return c.getBasicConstraints();
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return c.getSubjectAlternativeNames();
    }

    @Override
    public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
        return c.getIssuerAlternativeNames();
    }

    @Override
    public byte[] getEncoded() throws CertificateEncodingException {
        return c.getEncoded();
    }

    @Override
    public PublicKey getPublicKey() {
        return c.getPublicKey();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return c.hasUnsupportedCriticalExtension();
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
        return c.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return c.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return c.getExtensionValue(oid);
    }

    @Override
    public String toString() {
        return c.toString();
    }
}
