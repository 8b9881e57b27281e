package io.gatehouse.app.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.app.internal.web.ApiException.FieldError;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode parse(String s) throws Exception {
        return json.readTree(s);
    }

    private List<FieldError> recordErrors(String body) throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> RecordsResource.validate(parse(body)));
        assertEquals(400, e.status());
        return e.fields();
    }

    @Test
    void acceptsAValidRecord() throws Exception {
        String[] fields = RecordsResource.validate(parse("{\"title\":\"Hello\",\"body\":\"line 1\\nline 2\"}"));
        assertEquals("Hello", fields[0]);
        assertEquals("line 1\nline 2", fields[1]);
        assertEquals("", RecordsResource.validate(parse("{\"title\":\"x\"}"))[1]);
    }

    @Test
    void reportsEveryFieldError() throws Exception {
        List<FieldError> errors = recordErrors("{\"body\":5,\"owner\":\"me\"}");
        assertTrue(errors.contains(new FieldError("owner", "unknown field")), errors.toString());
        assertTrue(errors.contains(new FieldError("title", "is required")), errors.toString());
        assertTrue(errors.contains(new FieldError("body", "must be a string")), errors.toString());
    }

    @Test
    void checksTypesAndLengths() throws Exception {
        assertEquals("must be a string", recordErrors("{\"title\":42}").get(0).message());
        assertEquals("must be a string", recordErrors("{\"title\":[\"a\"]}").get(0).message());
        assertEquals("must be a string", recordErrors("{\"title\":true}").get(0).message());
        assertTrue(recordErrors("{\"title\":\"\"}").get(0).message().startsWith("must be 1 to 200"));
        assertTrue(recordErrors("{\"title\":\"" + "x".repeat(201) + "\"}").get(0).message().contains("was 201"));
        assertTrue(recordErrors("{\"title\":\"ok\",\"body\":\"" + "x".repeat(10_001) + "\"}").get(0).field().equals("body"));
        assertEquals("must not be blank", recordErrors("{\"title\":\"   \"}").get(0).message());
        assertEquals("must not contain control characters", recordErrors("{\"title\":\"a\\nb\"}").get(0).message());
        assertEquals("must not contain control characters", recordErrors("{\"title\":\"a\\u0000b\"}").get(0).message());
    }

    @Test
    void requiresAnObject() throws Exception {
        for (String body : new String[] {"[]", "\"title\"", "42", "null"}) {
            ApiException e = assertThrows(ApiException.class, () -> RecordsResource.validate(parse(body)));
            assertEquals(400, e.status());
        }
    }

    @Test
    void checksRoleLists() throws Exception {
        Set<String> roles = Set.of("admin", "editor", "viewer");
        RequestValidator ok = RequestValidator.of(parse("{\"roles\":[\"editor\",\"viewer\",\"editor\"]}"), Set.of("roles"));
        assertEquals(List.of("editor", "viewer"), ok.stringsFrom("roles", roles));
        for (String bad : new String[] {"{\"roles\":[]}", "{\"roles\":\"admin\"}", "{\"roles\":[\"root\"]}", "{\"roles\":[1]}", "{}"}) {
            RequestValidator v = RequestValidator.of(parse(bad), Set.of("roles"));
            v.stringsFrom("roles", roles);
            assertEquals(1, v.errors().size(), bad);
        }
    }

    @Test
    void parsesBoundedParameters() {
        assertEquals(20, RequestValidator.parameter("size", null, 20, 1, 100));
        assertEquals(7, RequestValidator.parameter("size", "7", 20, 1, 100));
        for (String bad : new String[] {"0", "101", "-1", "1 OR 1=1", "1;DROP TABLE records", "abc", "99999999999999999999"}) {
            ApiException e = assertThrows(ApiException.class, () -> RequestValidator.parameter("size", bad, 20, 1, 100));
            assertEquals(400, e.status());
            assertEquals("size", e.fields().get(0).field());
        }
    }
}
