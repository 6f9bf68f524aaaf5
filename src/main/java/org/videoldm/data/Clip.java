package org.videoldm.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A short stretch of video ready for batching: {@code frames x height x width x 3} uint8 RGB in one
 * array, frames outermost.
 *
 * @param id where it came from, e.g. {@code driving/seg1.mp4@32} (video, first frame); stored in latent caches
 */
public record Clip(String id, int frames, int height, int width, byte[] data) {
    public Clip {
        if ((long) frames * height * width * 3 != data.length) {
            throw new IllegalArgumentException("clip " + id + ": " + frames + "x" + height + "x" + width + "x3 needs " + (long) frames * height * width * 3 + " bytes, got " + data.length);
        }
    }

    public static Clip of(String id, List<RgbFrame> frames) {
        RgbFrame first = frames.get(0);
        int size = first.rgb().length;
        byte[] data = new byte[size * frames.size()];
        for (int t = 0; t < frames.size(); t++) {
            RgbFrame f = frames.get(t);
            if (f.width() != first.width() || f.height() != first.height()) {
                throw new IllegalArgumentException("clip " + id + ": frame " + t + " is " + f.width() + "x" + f.height() + ", frame 0 is " + first.width() + "x" + first.height());
            }
            System.arraycopy(f.rgb(), 0, data, t * size, size);
        }
        return new Clip(id, frames.size(), first.height(), first.width(), data);
    }

    public RgbFrame frame(int t) {
        int size = height * width * 3;
        byte[] rgb = new byte[size];
        System.arraycopy(data, t * size, rgb, 0, size);
        return new RgbFrame(width, height, rgb);
    }

    public List<RgbFrame> frameList() {
        List<RgbFrame> out = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            out.add(frame(t));
        }
        return out;
    }
}
