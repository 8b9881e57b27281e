package io.gatehouse.app.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.app.internal.web.ApiException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.MultivaluedHashMap;
import org.junit.jupiter.api.Test;

class JsonProviderTest {

    private final JsonProvider provider = new JsonProvider();

    private JsonNode read(String body) throws Exception {
        return provider.readFrom(JsonNode.class, JsonNode.class, null, MediaType.APPLICATION_JSON_TYPE,
                new MultivaluedHashMap<>(), new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsObjects() throws Exception {
        assertEquals("x", read("{\"title\":\"x\"}").get("title").textValue());
    }

    @Test
    void malformedJsonIs400() {
        for (String bad : new String[] {"", "{", "{\"title\":}", "{'title':'x'}", "{\"a\":1}{\"b\":2}", "{\"a\":1,\"a\":2}",
            "nul", "{\"title\":\"x\"} trailing"}) {
            ApiException e = assertThrows(ApiException.class, () -> read(bad), bad);
            assertEquals(400, e.status(), bad);
        }
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"title\":\"" + "x".repeat(JsonProvider.MAX_BODY_BYTES) + "\"}";
        assertEquals(413, assertThrows(ApiException.class, () -> read(big)).status());
    }

    @Test
    void writesMarkupAsInertEscapedText() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MultivaluedHashMap<String, Object> headers = new MultivaluedHashMap<>();
        provider.writeTo(Map.of("title", "<script>alert('x')</script>&", "at", Instant.parse("2026-01-01T00:00:00Z")),
                Map.class, Map.class, null, MediaType.APPLICATION_JSON_TYPE, headers, out);
        String json = out.toString(StandardCharsets.UTF_8);
        assertFalse(json.contains("<"), json);
        assertFalse(json.contains(">"), json);
        assertEquals("application/json; charset=utf-8", headers.getFirst("Content-Type"));
        JsonNode back = read(json);
        assertEquals("<script>alert('x')</script>&", back.get("title").textValue());
        assertEquals("2026-01-01T00:00:00Z", back.get("at").textValue());
    }
}
