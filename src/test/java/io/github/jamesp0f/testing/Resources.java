package io.github.jamesp0f.testing;

/** Tearing down what a test class started. */
public final class Resources {

    private Resources() {
    }

    /**
     * Closes each resource that was started (nulls are skipped), in the order given, all of them
     * even when one fails; the first failure is thrown at the end.
     */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + resource + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
