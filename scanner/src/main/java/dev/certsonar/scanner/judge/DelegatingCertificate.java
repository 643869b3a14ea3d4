package dev.certsonar.scanner.judge;

import javax.security.auth.x500.X500Principal;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * A certificate that is the given one in every way but what a subclass says otherwise: each method of
 * {@link X509Certificate} asks the given certificate.
 */
public abstract class DelegatingCertificate extends X509Certificate {

    private final X509Certificate c;

    protected DelegatingCertificate(X509Certificate certificate) {
        this.c = certificate;
    }

    /** The certificate this one stands for. */
    public X509Certificate delegate() {
        return c;
    }

    @Override public int getVersion() { return c.getVersion(); }
    @Override public BigInteger getSerialNumber() { return c.getSerialNumber(); }
    @Override public X500Principal getIssuerX500Principal() { return c.getIssuerX500Principal(); }
    @Override public X500Principal getSubjectX500Principal() { return c.getSubjectX500Principal(); }
    @Override public Date getNotBefore() { return c.getNotBefore(); }
    @Override public byte[] getSignature() { return c.getSignature(); }
    @Override public Date getNotAfter() { return c.getNotAfter(); }
    @Override public String getSigAlgName() { return c.getSigAlgName(); }
    @Override public String getSigAlgOID() { return c.getSigAlgOID(); }
    @Override public int getBasicConstraints() { return c.getBasicConstraints(); }
    @Override public Set<String> getCriticalExtensionOIDs() { return c.getCriticalExtensionOIDs(); }
    @Override public PublicKey getPublicKey() { return c.getPublicKey(); }
    @Override public boolean hasUnsupportedCriticalExtension() { return c.hasUnsupportedCriticalExtension(); }
    @Override public String toString() { return c.toString(); }
    @Override public byte[] getExtensionValue(String oid) { return c.getExtensionValue(oid); }
    @Override @SuppressWarnings("deprecation") public Principal getIssuerDN() { return c.getIssuerDN(); }
    @Override public byte[] getSigAlgParams() { return c.getSigAlgParams(); }
    @Override public boolean[] getKeyUsage() { return c.getKeyUsage(); }
    @Override public Set<String> getNonCriticalExtensionOIDs() { return c.getNonCriticalExtensionOIDs(); }
    @Override @SuppressWarnings("deprecation") public Principal getSubjectDN() { return c.getSubjectDN(); }
    @Override public boolean[] getIssuerUniqueID() { return c.getIssuerUniqueID(); }
    @Override public List<String> getExtendedKeyUsage() throws CertificateParsingException { return c.getExtendedKeyUsage(); }
    @Override public boolean[] getSubjectUniqueID() { return c.getSubjectUniqueID(); }
    @Override public byte[] getEncoded() throws CertificateEncodingException { return c.getEncoded(); }
    @Override public byte[] getTBSCertificate() throws CertificateEncodingException { return c.getTBSCertificate(); }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return c.getSubjectAlternativeNames();
    }

    @Override
    public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
        c.checkValidity();
    }

    @Override
    public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
        return c.getIssuerAlternativeNames();
    }

    @Override
    public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
        c.checkValidity(date);
    }

    @Override
    public void verify(PublicKey key) throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
            NoSuchProviderException, SignatureException {
        c.verify(key);
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, NoSuchProviderException, SignatureException {
        c.verify(key, sigProvider);
    }

    @Override
    public void verify(PublicKey key, Provider sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, SignatureException {
        c.verify(key, sigProvider);
    }
}
