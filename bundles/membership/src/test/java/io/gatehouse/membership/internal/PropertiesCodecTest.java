package io.gatehouse.membership.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Hashtable;
import org.junit.jupiter.api.Test;

class PropertiesCodecTest {

    @Test
    void roundTripKeepsTypesAndDropsLocalProperties() {
        Hashtable<String, Object> zone = new Hashtable<>();
        zone.put("name", "login");
        zone.put("rate", "5r/m");
        zone.put("burst", 0);
        zone.put("window", 60_000L);
        zone.put("nodelay", true);
        zone.put("scope", "cluster");
        zone.put("paths", new String[] {"/api/login", "/a,b=c\\d"});
        zone.put("note", "two\nlines = x");
        zone.put("service.pid", "io.gatehouse.ratelimit.zone~login");
        zone.put("felix.fileinstall.filename", "file:/etc/io.gatehouse.ratelimit.zone-login.cfg");

        String text = PropertiesCodec.encode(zone);
        Hashtable<String, Object> back = PropertiesCodec.decode(text);

        assertEquals("login", back.get("name"));
        assertEquals(0, back.get("burst"));
        assertEquals(60_000L, back.get("window"));
        assertEquals(true, back.get("nodelay"));
        assertEquals("two\nlines = x", back.get("note"));
        assertArrayEquals(new String[] {"/api/login", "/a,b=c\\d"}, (String[]) back.get("paths"));
        assertFalse(back.containsKey("service.pid"));
        assertFalse(back.containsKey("felix.fileinstall.filename"));
        assertEquals(text, PropertiesCodec.encode(back));
    }
}
