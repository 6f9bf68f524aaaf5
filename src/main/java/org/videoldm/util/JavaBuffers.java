package org.videoldm.util;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;

/**
 * Arrays that DJL creates from Java data ({@code manager.create(float[])}, and the scalar operand of
 * {@code x.mul(2f)}) keep their values in a Java direct buffer, which is freed when the garbage collector finds the
 * buffer unreachable. If libtorch still references that memory (autograd saved it for the backward pass), it reads
 * whatever was allocated there since. Whether that happens depends on when a collection runs, so this class makes it
 * happen now: the allocation-poisoning debug mode calls it between forward and backward, turning an occasional
 * wrong gradient into a certain one.
 */
public final class JavaBuffers {
    private JavaBuffers() {}

    /** Collects garbage until a dropped direct buffer has been reclaimed, so unreachable buffers' memory is freed. */
    public static void releaseUnreachable() {
        ReferenceQueue<ByteBuffer> queue = new ReferenceQueue<>();
        PhantomReference<ByteBuffer> canary = new PhantomReference<>(ByteBuffer.allocateDirect(16), queue);
        for (int i = 0; i < 50; i++) {
            System.gc();
            try {
                if (queue.remove(20) != null) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        canary.clear();
        // direct buffers' cleaners run on the reference-handler thread with the canary's enqueueing; give them a moment
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
