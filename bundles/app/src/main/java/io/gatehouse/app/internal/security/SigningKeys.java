package io.gatehouse.app.internal.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 keys in the shared key directory. {@code signing.jwk} (mode 0600) is the private signing key,
 * generated on first start when absent; every {@code *.jwk} file contributes a verification key, so tokens signed
 * with a retired key stay valid until they expire. The directory is read again when a token names an unknown key
 * id, at most once per {@link #RESCAN_MILLIS}, so a key rotated by another container is picked up without restart.
 * <p>
 * Two containers starting at once both generate a key, but only one wins: the key is written to a private temporary
 * file and hard-linked to {@code signing.jwk}, which fails when the name exists; the loser reads the winner's key.
 */
public final class SigningKeys {

    public static final String SIGNING_FILE = "signing.jwk";
    static final long RESCAN_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private final Path dir;
    private final ECKey signing;
    private volatile Map<String, ECKey> verification;
    private volatile long scannedAt;

    private SigningKeys(Path dir, ECKey signing) {
        this.dir = dir;
        this.signing = signing;
        this.verification = scan();
    }

    /** Opens {@code dir}, creating it and the signing key when absent. */
    public static SigningKeys open(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(SIGNING_FILE);
            if (!Files.exists(file)) {
                generate(dir, file);
            }
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                LOG.warn("{} was readable by others; restricting it to mode 0600", file);
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            JWK jwk = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve()) || ec.getKeyID() == null) {
                throw new IllegalStateException(file + " must hold a private P-256 EC JWK with a kid");
            }
            publish(dir, ec);
            return new SigningKeys(dir, ec);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the JWT key directory " + dir + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalStateException("unreadable key in " + dir.resolve(SIGNING_FILE) + ": " + e.getMessage(), e);
        }
    }

    private static void generate(Path dir, Path file) throws IOException {
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
        if (createOnce(dir, file, key.toJSONString())) {
            LOG.info("Generated JWT signing key {} in {}", key.getKeyID(), file);
        }
    }

    /** Publishes the public half as {@code <kid>.public.jwk}, so it keeps verifying after the key is rotated. */
    private static void publish(Path dir, ECKey key) throws IOException {
        Path file = dir.resolve(key.getKeyID() + ".public.jwk");
        if (!Files.exists(file)) {
            createOnce(dir, file, key.toPublicJWK().toJSONString());
        }
    }

    /** Creates {@code target} with {@code content} atomically (mode 0600); false when it already existed. */
    private static boolean createOnce(Path dir, Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, ".key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public ECKey signingKey() {
        return signing;
    }

    public Path directory() {
        return dir;
    }

    /** The verification key named {@code kid}, reading the directory again (rate-limited) when it is unknown. */
    public Optional<ECKey> verificationKey(String kid) {
        ECKey key = verification.get(kid);
        if (key == null && System.currentTimeMillis() - scannedAt > RESCAN_MILLIS) {
            verification = scan();
            key = verification.get(kid);
        }
        return Optional.ofNullable(key);
    }

    private Map<String, ECKey> scan() {
        scannedAt = System.currentTimeMillis();
        Map<String, ECKey> keys = new HashMap<>();
        keys.put(signing.getKeyID(), signing.toPublicJWK());
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".jwk")).forEach(p -> {
                try {
                    JWK jwk = JWK.parse(Files.readString(p, StandardCharsets.UTF_8));
                    if (jwk instanceof ECKey ec && ec.getKeyID() != null && Curve.P_256.equals(ec.getCurve())) {
                        keys.putIfAbsent(ec.getKeyID(), ec.toPublicJWK());
                    } else {
                        LOG.warn("Ignoring {}: not a P-256 EC JWK with a kid", p);
                    }
                } catch (IOException | ParseException e) {
                    LOG.warn("Ignoring unreadable verification key {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot list the JWT key directory {}: {}", dir, e.getMessage());
        }
        return Map.copyOf(keys);
    }
}
