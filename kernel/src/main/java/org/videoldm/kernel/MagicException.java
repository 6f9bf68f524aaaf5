package org.videoldm.kernel;

/** A line magic that cannot run as written: unknown name, bad arguments, nothing matched. */
final class MagicException extends RuntimeException {
    MagicException(String message) {
        super(message);
    }
}
