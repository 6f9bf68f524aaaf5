package org.videoldm.data;

/** Receives decoded frames in presentation order. */
@FunctionalInterface
public interface FrameVisitor {
    /**
     * @param index presentation index, from 0
     * @param seconds presentation time
     */
    void frame(int index, double seconds, RgbFrame frame);
}
