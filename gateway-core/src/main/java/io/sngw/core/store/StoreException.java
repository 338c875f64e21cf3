package io.sngw.core.store;

/** The store could not do what was asked: the disk is full, the file is corrupt or unreadable. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
