package io.gatehouse.listener.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's key and certificate chain, loaded and checked before use: from a PKCS12 keystore, from PEM files, or
 * (when neither is configured) from a self-signed certificate generated once into {@code ${karaf.etc}}.
 */
record TlsMaterial(KeyStore keyStore, String password, List<Path> files, String source) {

    static final String GENERATED_KEYSTORE = "gatehouse-listener.p12";
    static final String GENERATED_PASSWORD = "gatehouse-listener.p12.password";

    /** Thrown with a message that names the file and what is wrong with it. */
    static final class TlsException extends Exception {
        TlsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static TlsMaterial load(ListenerConfig config, Path etc) throws TlsException {
        if (!config.tls_keystore().isBlank()) {
            Path keystore = Path.of(Placeholders.resolve(config.tls_keystore().trim()));
            return fromPkcs12(keystore, config.tls_keystore_password(), "keystore " + keystore);
        }
        if (!config.tls_certificate().isBlank() || !config.tls_private_key().isBlank()) {
            if (config.tls_certificate().isBlank() || config.tls_private_key().isBlank()) {
                throw new TlsException("tls.certificate and tls.private.key must be set together", null);
            }
            return fromPem(Path.of(Placeholders.resolve(config.tls_certificate().trim())),
                    Path.of(Placeholders.resolve(config.tls_private_key().trim())));
        }
        return selfSigned(etc);
    }

    static TlsMaterial fromPkcs12(Path file, String password, String source) throws TlsException {
        KeyStore keyStore;
        try (InputStream in = Files.newInputStream(file)) {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("cannot read PKCS12 keystore " + file + ": " + e.getMessage(), e);
        }
        check(keyStore, password, file);
        return new TlsMaterial(keyStore, password, List.of(file), source);
    }

    static TlsMaterial fromPem(Path certificateFile, Path keyFile) throws TlsException {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(certificateFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            for (Certificate c : certificates) {
                chain.add((X509Certificate) c);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("cannot read PEM certificate " + certificateFile + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new TlsException("PEM certificate " + certificateFile + " holds no certificate", null);
        }
        PrivateKey key = readPrivateKey(keyFile, chain.get(0).getPublicKey().getAlgorithm());
        String password = randomPassword();
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("gatehouse", key, password.toCharArray(), chain.toArray(new Certificate[0]));
            check(keyStore, password, certificateFile);
            return new TlsMaterial(keyStore, password, List.of(certificateFile, keyFile),
                    "PEM " + certificateFile + " + " + keyFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("cannot use PEM key " + keyFile + " with " + certificateFile + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path keyFile, String algorithm) throws TlsException {
        String pem;
        try {
            pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsException("cannot read PEM private key " + keyFile + ": " + e.getMessage(), e);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new TlsException("PEM private key " + keyFile
                    + " must be an unencrypted PKCS#8 'BEGIN PRIVATE KEY' block (convert with: openssl pkcs8 -topk8 -nocrypt)", null);
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new TlsException("PEM private key " + keyFile + " is not a valid " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    /** One key entry whose private key matches its certificate, and a certificate valid today. */
    private static void check(KeyStore keyStore, String password, Path file) throws TlsException {
        try {
            Enumeration<String> aliases = keyStore.aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (!keyStore.isKeyEntry(alias)) {
                    continue;
                }
                PrivateKey key = (PrivateKey) keyStore.getKey(alias, password.toCharArray());
                Certificate certificate = keyStore.getCertificate(alias);
                if (!(certificate instanceof X509Certificate x509)) {
                    throw new TlsException(file + ": key entry '" + alias + "' has no X.509 certificate", null);
                }
                try {
                    x509.checkValidity();
                } catch (GeneralSecurityException e) {
                    throw new TlsException(file + ": certificate " + x509.getSubjectX500Principal()
                            + " is not valid now (valid " + x509.getNotBefore() + " to " + x509.getNotAfter() + ")", e);
                }
                if (!matches(key, x509.getPublicKey())) {
                    throw new TlsException(file + ": the private key does not match certificate "
                            + x509.getSubjectX500Principal(), null);
                }
                return;
            }
            throw new TlsException(file + " holds no private key entry", null);
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot read the key in " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA"
                : "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : null;
        if (algorithm == null) {
            return true; // other key types: the TLS handshake is the judge
        }
        byte[] probe = "gatehouse".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        return verifier.verify(signature);
    }

    /** The generated self-signed keystore, created on first use with a random password stored beside it (0600). */
    static synchronized TlsMaterial selfSigned(Path etc) throws TlsException {
        Path keystore = etc.resolve(GENERATED_KEYSTORE);
        Path passwordFile = etc.resolve(GENERATED_PASSWORD);
        try {
            if (!Files.exists(keystore) || !Files.exists(passwordFile)) {
                generate(keystore, passwordFile);
            }
            String password = Files.readString(passwordFile, StandardCharsets.US_ASCII).trim();
            return fromPkcs12(keystore, password, "self-signed " + keystore);
        } catch (IOException e) {
            throw new TlsException("cannot create the self-signed keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static void generate(Path keystore, Path passwordFile) throws IOException, TlsException {
        Files.createDirectories(keystore.getParent());
        Files.deleteIfExists(keystore);
        String password = randomPassword();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "gatehouse",
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost, O=Gatehouse", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-validity", "825", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass:env", "GATEHOUSE_STOREPASS", "-keypass:env", "GATEHOUSE_STOREPASS")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // the password goes through the environment, never the command line (ps would show it)
        builder.environment().put("GATEHOUSE_STOREPASS", password);
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new TlsException(keytool + " could not generate " + keystore, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TlsException("interrupted while generating " + keystore, e);
        }
        Files.writeString(passwordFile, password + "\n", StandardCharsets.US_ASCII);
        restrict(passwordFile);
        restrict(keystore);
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: the directory's permissions protect it
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
