package io.github.jamesp0f.client.transport;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, newest first: clients before the fakes they talk to, so that no
 * answer is left owed when a fake goes away.
 */
final class CloseAfterEach implements AfterEachCallback {

    private final List<AutoCloseable> opened = new ArrayList<>();

    <T extends AutoCloseable> T track(T closeable) {
        opened.add(0, closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
    }
}
