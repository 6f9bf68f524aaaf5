package org.videoldm.kernel;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Sending to the notebook and force-stopping an interrupted cell exclude each other: a message to Jupyter is several
 * ZeroMQ frames, and a cell thread stopped between two of them would leave a half message on the socket that garbles
 * every later one.
 */
final class PublishGuard {
    private final ReentrantLock lock = new ReentrantLock();

    void run(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }
}
