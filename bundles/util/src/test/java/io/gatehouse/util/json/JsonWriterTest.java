package io.gatehouse.util.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    private static String string(String value) {
        StringBuilder out = new StringBuilder();
        JsonWriter.string(out, value);
        return out.toString();
    }

    @Test
    void escapesStringsAndWritesNumbersAndNulls() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n</script>");
        m.put("n", 1.5);
        m.put("nan", Double.NaN);
        m.put("list", List.of(1, true));
        m.put("none", null);
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u003c/script>\",\"n\":1.5,\"nan\":null,\"list\":[1,true],\"none\":null}",
                JsonWriter.write(m));
    }

    @Test
    void writesArraysNestingKeysAndOtherValues() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(7, new double[] {1.0, Double.POSITIVE_INFINITY, -2.5});
        m.put("<k>", Map.of("f", Float.NaN));
        m.put("x", new StringBuilder("a<b"));
        m.put("long", Long.MAX_VALUE);
        assertEquals("{\"7\":[1.0,null,-2.5],\"\\u003ck>\":{\"f\":null},\"x\":\"a\\u003cb\",\"long\":9223372036854775807}",
                JsonWriter.write(m));
        assertEquals("[]", JsonWriter.write(List.of()));
        assertEquals("{}", JsonWriter.write(Map.of()));
        assertEquals("null", JsonWriter.write(null));
    }

    @Test
    void aStringEscapesQuotesBackslashesAndControlCharactersOnly() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f <script> \u00e9\"", string("a\"b\\c\n\r\t\u0001\u001f <script> \u00e9"));
        assertEquals("\"\"", string(""));
    }
}
