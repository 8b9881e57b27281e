package io.gatehouse.app.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RoutesTest {

    @Test
    void mapsPathsToBoundedTemplates() {
        assertEquals("/api/records", Routes.of("api/records"));
        assertEquals("/api/records", Routes.of("/api/records/"));
        assertEquals("/api/records/{id}", Routes.of("/api/records/42"));
        assertEquals("/api/records/{id}", Routes.of("/api/records/1 OR 1=1"));
        assertEquals("/api/admin/sessions/{id}", Routes.of("/api/admin/sessions/7d0f6c1e-1b9b-4f7e-9d4a-2b0c3e1f5a6b"));
        assertEquals("/health", Routes.of("/health"));
        assertEquals("unmatched", Routes.of("/api/records/1/2"));
        assertEquals("unmatched", Routes.of("/wp-admin"));
    }
}
