package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tokens of a {@code Connection} header, which name the further fields that are hop-by-hop. */
class HopByHopTest {

    @Test
    void tokensAreMatchedWholeInAnyCaseAroundSpacesAndEmptyElements() {
        assertTrue(HopByHop.listedIn("close", "close"));
        assertTrue(HopByHop.listedIn("keep-alive, X-Trace", "x-trace"));
        assertTrue(HopByHop.listedIn(" , ,\tClose ", "close"));
        assertTrue(HopByHop.listedIn("a,b,c", "c"));
        assertFalse(HopByHop.listedIn("closed, enclose", "close"));
        assertFalse(HopByHop.listedIn("keep-alive", "keep"));
        assertFalse(HopByHop.listedIn("", "close"));
        assertFalse(HopByHop.listedIn(", ,", "close"));
    }
}
