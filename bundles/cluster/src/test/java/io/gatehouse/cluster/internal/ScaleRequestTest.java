package io.gatehouse.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScaleRequestTest {

    @Test
    void acceptsAWholeNumberWithinTheMaximum() throws Exception {
        assertEquals(1, ScaleRequest.parse("1", 8));
        assertEquals(8, ScaleRequest.parse(" 8 ", 8));
    }

    @Test
    void refusesBadCountsNamingTheValue() {
        assertTrue(assertThrows(OperationException.class, () -> ScaleRequest.parse("abc", 8)).getMessage()
                .contains("whole number from 1 to 8, was 'abc'"));
        assertTrue(assertThrows(OperationException.class, () -> ScaleRequest.parse("-1", 8)).getMessage()
                .contains("at least 1, was '-1'"));
        assertTrue(assertThrows(OperationException.class, () -> ScaleRequest.parse("0", 8)).getMessage()
                .contains("was '0'"));
        assertTrue(assertThrows(OperationException.class, () -> ScaleRequest.parse("9", 8)).getMessage()
                .contains("at most 8 (scale.max of io.gatehouse.cluster.supervisor), was '9'"));
        assertTrue(assertThrows(OperationException.class, () -> ScaleRequest.parse("2.5", 8)).getMessage()
                .contains("was '2.5'"));
    }
}
