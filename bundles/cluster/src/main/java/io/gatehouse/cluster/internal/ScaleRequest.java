package io.gatehouse.cluster.internal;

/** Validates the argument of {@code cluster:scale}: a whole number from 1 to the configured maximum. */
final class ScaleRequest {

    private ScaleRequest() {
    }

    static int parse(String value, int max) throws OperationException {
        String v = value == null ? "" : value.trim();
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new OperationException("instance count must be a whole number from 1 to " + max + ", was '" + value + "'");
        }
        if (n < 1) {
            throw new OperationException("instance count must be at least 1, was '" + value + "'");
        }
        if (n > max) {
            throw new OperationException("instance count must be at most " + max + " (scale.max of "
                    + SupervisorConfig.PID + "), was '" + value + "'");
        }
        return n;
    }
}
