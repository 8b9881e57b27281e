package io.gatehouse.itests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The self-signed certificate the gateway's listener generates on first start ({@code etc/gatehouse-listener.p12},
 * its password beside it), read from the keystore so that clients trust exactly that certificate: TLS verification
 * stays on.
 */
final class ListenerCertificate {

    private final X509Certificate certificate;

    private ListenerCertificate(X509Certificate certificate) {
        this.certificate = certificate;
    }

    /** Waits until the listener in the container whose etc/ folder is {@code etc} has written its certificate. */
    static ListenerCertificate await(Path etc, Duration timeout) throws IOException, InterruptedException {
        Path keystore = etc.resolve("gatehouse-listener.p12");
        Path password = etc.resolve("gatehouse-listener.p12.password");
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (Files.exists(keystore) && Files.exists(password)) {
                try (InputStream in = Files.newInputStream(keystore)) {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    store.load(in, Files.readString(password).trim().toCharArray());
                    X509Certificate found = (X509Certificate) store.getCertificate("gatehouse");
                    if (found != null) {
                        return new ListenerCertificate(found);
                    }
                } catch (IOException | GeneralSecurityException e) {
                    last = e; // still being written
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the listener wrote no certificate into " + etc + " within " + timeout
                + (last == null ? "" : ": " + last));
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** A TLS context that trusts this certificate and nothing else. */
    SSLContext sslContext() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("gatehouse", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the listener's certificate", e);
        }
    }

    /**
     * Base64 of the SHA-256 of the certificate's public key (SubjectPublicKeyInfo), what Chromium's
     * {@code --ignore-certificate-errors-spki-list} takes to trust this one key.
     */
    String spkiSha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
