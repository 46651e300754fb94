package io.github.jamesp0f.smtp;

import java.util.Collections;
import java.util.List;

import org.apache.james.protocols.api.Response;

/**
 * What the extension's connect handlers answer: nothing. The welcome banner is James's own connect
 * handler's job, and a connect handler must not return null.
 */
public final class NoResponse implements Response {

    public static final Response INSTANCE = new NoResponse();

    private NoResponse() {
    }

    @Override
    public String getRetCode() {
        return "";
    }

    @Override
    public List<CharSequence> getLines() {
        return Collections.emptyList();
    }

    @Override
    public boolean isEndSession() {
        return false;
    }
}
