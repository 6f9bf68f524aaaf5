package org.videoldm.data;

import java.util.List;

/** Decoded frames of one video in presentation order, with the frame rate they were shot at. */
public record Video(String source, List<RgbFrame> frames, double fps) {
    public Video {
        frames = List.copyOf(frames);
    }

    public int size() {
        return frames.size();
    }

    public RgbFrame frame(int i) {
        return frames.get(i);
    }

    public int width() {
        return frames.isEmpty() ? 0 : frames.get(0).width();
    }

    public int height() {
        return frames.isEmpty() ? 0 : frames.get(0).height();
    }
}
