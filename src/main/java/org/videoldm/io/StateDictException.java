package org.videoldm.io;

/** Parameters that do not match a checkpoint: every missing, unexpected and mis-shaped key at once. */
public class StateDictException extends RuntimeException {
    public StateDictException(String message) {
        super(message);
    }
}
