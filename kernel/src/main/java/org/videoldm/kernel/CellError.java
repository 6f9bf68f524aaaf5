package org.videoldm.kernel;

import java.util.List;

/**
 * Why a cell failed, as the notebook shows it: the message names the kind (the exception class of user code, a
 * compilation error, an interrupt), the traceback holds the lines under it. Its own stack trace is that of the user
 * code (empty for compilation errors and interrupts), since the execute reply lists it: not the kernel's frames.
 */
final class CellError extends Exception {
    private final List<String> traceback;

    CellError(String message, List<String> traceback) {
        this(message, traceback, new StackTraceElement[0]);
    }

    CellError(String message, List<String> traceback, StackTraceElement[] userFrames) {
        super(message);
        this.traceback = List.copyOf(traceback);
        setStackTrace(userFrames);
    }

    List<String> traceback() {
        return traceback;
    }
}
