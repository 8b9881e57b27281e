package io.gatehouse.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.tools.exchange.TestExchange;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeySpecTest {

    private static String jwt(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "Bearer " + b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void ipIsTheClientAddress() {
        assertEquals("10.1.2.3", KeySpec.parse("ip").key(new TestExchange("GET", "/", "10.1.2.3")));
        assertEquals("10.1.2.3", KeySpec.parse("").key(new TestExchange("GET", "/", "10.1.2.3")));
    }

    @Test
    void headerKeysAreCaseInsensitiveAndMissingHeadersGiveNoKey() {
        KeySpec k = KeySpec.parse("header:X-Api-Key");
        assertEquals("abc", k.key(new TestExchange("GET", "/", "10.0.0.1").header("x-api-key", "abc")));
        assertNull(k.key(new TestExchange("GET", "/", "10.0.0.1")));
    }

    @Test
    void subjectIsTheSubClaimOfTheBearerToken() {
        KeySpec k = KeySpec.parse("subject");
        String token = jwt("{\"iss\":\"gatehouse\",\"roles\":[\"a\",{\"x\":[1,2]}],\"exp\":17e8,\"ok\":true,"
                + "\"sub\" : \"al\\u0069ce\\\"\"}");
        assertEquals("alice\"", k.key(new TestExchange("GET", "/", "10.0.0.1").header("Authorization", token)));
        assertEquals("bob", JwtSubject.fromAuthorization(jwt("{\"sub\":\"bob\"}").replace("Bearer", "bearer")));
    }

    @Test
    void malformedTokensGiveNoSubject() {
        assertNull(JwtSubject.fromAuthorization(null));
        assertNull(JwtSubject.fromAuthorization("Basic dXNlcjpwYXNz"));
        assertNull(JwtSubject.fromAuthorization("Bearer nodots"));
        assertNull(JwtSubject.fromAuthorization("Bearer a.!!!.c"));
        assertNull(JwtSubject.fromAuthorization(jwt("{\"sub\":42}")));
        assertNull(JwtSubject.fromAuthorization(jwt("{\"name\":\"x\"}")));
        assertNull(JwtSubject.fromAuthorization(jwt("{\"sub\":\"unterminated")));
        assertNull(JwtSubject.fromAuthorization(jwt("[\"sub\",\"x\"]")));
        assertNull(JwtSubject.fromAuthorization(jwt("{\"a\":" + "[".repeat(100) + "]}")));
    }

    @Test
    void combinationsJoinTheirPartsAndApplyWhenAnyIsPresent() {
        KeySpec k = KeySpec.parse("ip + header:X-Tenant");
        assertEquals("10.0.0.1|acme", k.key(new TestExchange("GET", "/", "10.0.0.1").header("X-Tenant", "acme")));
        assertEquals("10.0.0.1|", k.key(new TestExchange("GET", "/", "10.0.0.1")));
        assertNull(KeySpec.parse("subject+header:X-Tenant").key(new TestExchange("GET", "/", "10.0.0.1")));
    }

    @Test
    void longKeysAreBoundedByADigest() {
        String huge = "k".repeat(10_000);
        String key = KeySpec.parse("header:X-K").key(new TestExchange("GET", "/", "1.1.1.1").header("X-K", huge));
        assertTrue(key.startsWith("sha256:") && key.length() < KeySpec.MAX_KEY, key);
    }
}
