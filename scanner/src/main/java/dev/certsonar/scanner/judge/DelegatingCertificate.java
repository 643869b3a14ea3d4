package dev.certsonar.scanner.judge;

import java.math.BigInteger;
import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Set;

/** A certificate that is the given one in every way but what a subclass says otherwise. */
public abstract class DelegatingCertificate extends X509Certificate {

    private final X509Certificate c;

    protected DelegatingCertificate(X509Certificate certificate) {
        this.c = certificate;
    }

    /** The certificate this one stands for. */
    public X509Certificate delegate() {
        return c;
    }

    @Override
    public byte[] getEncoded() throws java.security.cert.CertificateEncodingException {
        return c.getEncoded();
    }

    @Override
    public void checkValidity() throws java.security.cert.CertificateExpiredException, java.security.cert.CertificateNotYetValidException {
        c.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws java.security.cert.CertificateExpiredException, java.security.cert.CertificateNotYetValidException {
        c.checkValidity(date);
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
    public javax.security.auth.x500.X500Principal getIssuerX500Principal() {
        return c.getIssuerX500Principal();
    }

    @Override
    public javax.security.auth.x500.X500Principal getSubjectX500Principal() {
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
    public byte[] getTBSCertificate() throws java.security.cert.CertificateEncodingException {
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
    public int getBasicConstraints() {
        return c.getBasicConstraints();
    }

    @Override
    public void verify(PublicKey key) throws java.security.cert.CertificateException, java.security.NoSuchAlgorithmException,
            java.security.InvalidKeyException, java.security.NoSuchProviderException, java.security.SignatureException {
        c.verify(key);
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws java.security.cert.CertificateException,
            java.security.NoSuchAlgorithmException, java.security.InvalidKeyException, java.security.NoSuchProviderException,
            java.security.SignatureException {
        c.verify(key, sigProvider);
    }

    @Override
    public String toString() {
        return c.toString();
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
}
