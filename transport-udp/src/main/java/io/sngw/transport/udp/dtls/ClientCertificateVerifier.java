package io.sngw.transport.udp.dtls;

import io.sngw.core.security.Device;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a client's certificate chain against the configured CA(s) with the JDK's PKIX validator (signatures,
 * validity dates, basic constraints, path length; no revocation checking: a sensor network has no CRL or OCSP
 * reachability to rely on), plus the leaf's key usage and extended key usage where it states them. Thread-safe.
 */
final class ClientCertificateVerifier {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    /** A verified client: the identity to show the core and the fingerprint the device registry keeps. */
    record Verified(String identity, String fingerprint) {
    }

    private final Set<TrustAnchor> anchors;
    private final Set<X509Certificate> anchorCertificates;

    ClientCertificateVerifier(List<byte[]> caCertificates) {
        Set<TrustAnchor> a = new HashSet<>();
        Set<X509Certificate> c = new HashSet<>();
        for (byte[] der : caCertificates) {
            try {
                X509Certificate ca = parse(der);
                a.add(new TrustAnchor(ca, null));
                c.add(ca);
            } catch (CertificateException e) {
                throw new IllegalArgumentException("a client CA certificate cannot be read: " + e.getMessage(), e);
            }
        }
        this.anchors = Set.copyOf(a);
        this.anchorCertificates = Set.copyOf(c);
    }

    /**
     * @param chain the client's chain as sent, leaf first, DER encoded
     * @throws CertificateException with the reason when it does not verify
     */
    Verified verify(List<byte[]> chain) throws CertificateException {
        if (chain.isEmpty()) {
            throw new CertificateException("the client sent no certificate");
        }
        List<X509Certificate> path = new ArrayList<>();
        for (byte[] der : chain) {
            X509Certificate c = parse(der);
            if (anchorCertificates.contains(c)) {
                break; // a client may send the CA itself last; the path ends before the anchor
            }
            path.add(c);
        }
        if (path.isEmpty()) {
            throw new CertificateException("the client presented the CA certificate itself");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath certPath = factory.generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("does not chain to the client CA: " + e.getMessage(), e);
        }
        X509Certificate leaf = path.get(0);
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage != null && !keyUsage[0]) {
            throw new CertificateException("the certificate's key usage does not allow digitalSignature");
        }
        List<String> extendedKeyUsage = leaf.getExtendedKeyUsage();
        if (extendedKeyUsage != null && !extendedKeyUsage.contains(CLIENT_AUTH)
                && !extendedKeyUsage.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new CertificateException("the certificate's extended key usage does not allow clientAuth");
        }
        return new Verified(identity(leaf), Device.fingerprintOf(chain.get(0)));
    }

    /** The subject's CN when it has exactly one, else the whole subject in RFC 4514 form. */
    static String identity(X509Certificate leaf) {
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        RDN[] cn = subject.getRDNs(BCStyle.CN);
        if (cn.length == 1 && !cn[0].isMultiValued()) {
            return IETFUtils.valueToString(cn[0].getFirst().getValue());
        }
        return subject.toString();
    }

    private static X509Certificate parse(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }
}
