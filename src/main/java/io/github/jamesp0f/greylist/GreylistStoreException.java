package io.github.jamesp0f.greylist;

/** A store could not decide (database down, timeout, ...): the handler lets the mail through. */
public class GreylistStoreException extends RuntimeException {

    public GreylistStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
