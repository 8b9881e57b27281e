package io.gatehouse.app.internal.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues and checks ES256 access tokens. A token names its key ({@code kid}), its user ({@code sub}) and its
 * session ({@code sid}); whether the session is still live is the caller's check against the database.
 */
public final class TokenService {

    /** What a valid token says. */
    public record Claims(String username, UUID sessionId, Instant expiresAt) {
    }

    private static final int MAX_TOKEN_LENGTH = 4096;

    private final SigningKeys keys;
    private final String issuer;
    private final Clock clock;

    public TokenService(SigningKeys keys, String issuer, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
    }

    public String issue(String username, UUID sessionId, Instant expiresAt) {
        ECKey key = keys.signingKey();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(username)
                .claim("sid", sessionId.toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token with key " + key.getKeyID(), e);
        }
        return jwt.serialize();
    }

    /** The claims of a token that is well-formed, ES256-signed by a known key, unexpired and from this issuer. */
    public Claims verify(String token) throws TokenRejected {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejected("token missing or too long");
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new TokenRejected("malformed token");
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            throw new TokenRejected("unsigned token (alg " + parsed.getHeader().getAlgorithm() + ")");
        }
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenRejected("unexpected alg " + jwt.getHeader().getAlgorithm());
        }
        String kid = jwt.getHeader().getKeyID();
        if (kid == null) {
            throw new TokenRejected("token has no kid");
        }
        Optional<ECKey> key = keys.verificationKey(kid);
        if (key.isEmpty()) {
            throw new TokenRejected("unknown kid " + shorten(kid));
        }
        try {
            if (!jwt.verify(new ECDSAVerifier(key.get()))) {
                throw new TokenRejected("bad signature (kid " + shorten(kid) + ")");
            }
            return claims(jwt.getJWTClaimsSet());
        } catch (JOSEException e) {
            throw new TokenRejected("signature not verifiable: " + e.getMessage());
        } catch (ParseException e) {
            throw new TokenRejected("malformed claims");
        }
    }

    private Claims claims(JWTClaimsSet c) throws TokenRejected, ParseException {
        Instant now = clock.instant();
        if (!issuer.equals(c.getIssuer())) {
            throw new TokenRejected("wrong issuer");
        }
        if (c.getExpirationTime() == null || !c.getExpirationTime().toInstant().isAfter(now)) {
            throw new TokenRejected("expired token");
        }
        if (c.getNotBeforeTime() != null && c.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(30))) {
            throw new TokenRejected("token not valid yet");
        }
        String sid = c.getStringClaim("sid");
        if (c.getSubject() == null || sid == null) {
            throw new TokenRejected("token lacks sub or sid");
        }
        try {
            return new Claims(c.getSubject(), UUID.fromString(sid), c.getExpirationTime().toInstant());
        } catch (IllegalArgumentException e) {
            throw new TokenRejected("malformed sid");
        }
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
