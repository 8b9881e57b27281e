package io.gatehouse.app.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every token attack the API must answer with 401. */
class TokenServiceTest {

    @TempDir
    Path dir;

    private final Instant now = Instant.parse("2026-01-01T10:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private SigningKeys keys;
    private TokenService tokens;
    private final UUID sid = UUID.randomUUID();

    @BeforeEach
    void setUp() {
        keys = SigningKeys.open(dir);
        tokens = new TokenService(keys, "gatehouse", clock);
    }

    private String valid() {
        return tokens.issue("alice", sid, now.plus(Duration.ofMinutes(15)));
    }

    private JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer("gatehouse").subject("alice").claim("sid", sid.toString())
                .expirationTime(Date.from(now.plusSeconds(600)));
    }

    private static String reason(TokenService tokens, String token) {
        return assertThrows(TokenRejected.class, () -> tokens.verify(token)).getMessage();
    }

    @Test
    void acceptsItsOwnToken() throws Exception {
        String token = valid();
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals(keys.signingKey().getKeyID(), jwt.getHeader().getKeyID());
        TokenService.Claims c = tokens.verify(token);
        assertEquals("alice", c.username());
        assertEquals(sid, c.sessionId());
    }

    @Test
    void rejectsAlgNone() {
        String token = new PlainJWT(claims().build()).serialize();
        assertTrue(reason(tokens, token).contains("unsigned"));
    }

    @Test
    void rejectsAlgNoneWithTheRealSignatureKept() {
        String[] parts = valid().split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"none\",\"kid\":\"" + keys.signingKey().getKeyID() + "\"}").getBytes(StandardCharsets.UTF_8));
        reason(tokens, header + "." + parts[1] + "." + parts[2]);
        reason(tokens, header + "." + parts[1] + ".");
    }

    @Test
    void rejectsUnknownKid() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("not-ours").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("not-ours").build(), claims().build());
        jwt.sign(new ECDSASigner(other));
        assertTrue(reason(tokens, jwt.serialize()).contains("unknown kid"));
    }

    @Test
    void rejectsMissingKid() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), claims().build());
        jwt.sign(new ECDSASigner(keys.signingKey()));
        assertTrue(reason(tokens, jwt.serialize()).contains("no kid"));
    }

    @Test
    void rejectsAForeignKeyClaimingOurKid() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.signingKey().getKeyID())
                .build(), claims().build());
        jwt.sign(new ECDSASigner(other));
        assertTrue(reason(tokens, jwt.serialize()).contains("bad signature"));
    }

    @Test
    void rejectsATamperedPayload() {
        String[] parts = valid().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"admin\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertTrue(reason(tokens, forged).contains("bad signature"));
    }

    @Test
    void rejectsHmacAlgorithmConfusion() throws Exception {
        byte[] secret = keys.signingKey().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.signingKey().getKeyID())
                .build(), claims().build());
        jwt.sign(new MACSigner(java.util.Arrays.copyOf(secret, 64)));
        assertTrue(reason(tokens, jwt.serialize()).contains("unexpected alg"));
    }

    @Test
    void rejectsExpiredTokens() {
        String token = tokens.issue("alice", sid, now.minusSeconds(1));
        assertTrue(reason(tokens, token).contains("expired"));
        TokenService later = new TokenService(keys, "gatehouse", Clock.offset(clock, Duration.ofMinutes(16)));
        assertTrue(reason(later, valid()).contains("expired"));
    }

    @Test
    void rejectsWrongIssuerAndMissingSession() throws Exception {
        TokenService elsewhere = new TokenService(keys, "someone-else", clock);
        assertTrue(reason(elsewhere, valid()).contains("issuer"));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.signingKey().getKeyID())
                .build(), claims().claim("sid", null).build());
        jwt.sign(new ECDSASigner(keys.signingKey()));
        assertTrue(reason(tokens, jwt.serialize()).contains("sid"));
    }

    @Test
    void rejectsGarbage() {
        for (String bad : new String[] {"", "abc", "a.b.c", "....", "x".repeat(5000)}) {
            reason(tokens, bad);
        }
    }

    @Test
    void keepsVerifyingTokensOfARotatedKey() throws Exception {
        String before = valid();
        String oldKid = keys.signingKey().getKeyID();
        Files.delete(dir.resolve(SigningKeys.SIGNING_FILE));
        SigningKeys rotated = SigningKeys.open(dir);
        TokenService after = new TokenService(rotated, "gatehouse", clock);
        assertTrue(!oldKid.equals(rotated.signingKey().getKeyID()));
        assertEquals("alice", after.verify(before).username());
        assertEquals("alice", after.verify(after.issue("alice", sid, now.plusSeconds(60))).username());
        // the container that did not rotate learns the new key from the directory
        Thread.sleep(SigningKeys.RESCAN_MILLIS + 50);
        assertEquals("alice", tokens.verify(after.issue("alice", sid, now.plusSeconds(60))).username());
    }
}
