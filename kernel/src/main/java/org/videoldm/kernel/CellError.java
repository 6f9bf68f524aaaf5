package org.videoldm.kernel;

import java.util.List;

/**
 * Why a cell failed, as the notebook shows it: the message names the kind (the exception class of user code, a
 * compilation error, an interrupt), the traceback holds the lines under it.
 */
final class CellError extends Exception {
    private final List<String> traceback;

    CellError(String message, List<String> traceback) {
        super(message);
        this.traceback = List.copyOf(traceback);
    }

    List<String> traceback() {
        return traceback;
    }
}
