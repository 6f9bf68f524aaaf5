package org.videoldm.notebook;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.videoldm.data.RgbFrame;

/**
 * Strips of still frames laid out with plain HTML/CSS (flex), each frame a small JPEG labelled with its index: the
 * frames of a video can be compared at a glance, and read where a video does not play (static notebook viewers).
 */
public final class FrameStrip {
    /** Most frames a strip shows; longer videos are subsampled evenly. */
    public static final int MAX_FRAMES = 8;
    /** A vertical flex column, the container of a video and its strips; close with {@code </div>}. */
    static final String COLUMN = "<div style='display:flex;flex-direction:column;align-items:flex-start;gap:6px;max-width:"
            + VideoHtml.MAX_WIDTH + "px'>";
    private static final int GAP = 6;
    /** Thumbnails narrower than this are enlarged (nearest-neighbour) to it. */
    private static final int MIN_THUMB = 128;

    private FrameStrip() {}

    /**
     * {@code k} frame indices spread evenly over {@code 0..frames-1}, first and last included (all frames when there
     * are at most {@code k}).
     */
    public static int[] evenIndices(int frames, int k) {
        if (frames <= k) {
            return IntStream.range(0, frames).toArray();
        }
        if (k == 1) {
            return new int[] {0};
        }
        return IntStream.range(0, k).map(i -> (int) Math.round(i * (frames - 1) / (double) (k - 1))).toArray();
    }

    /**
     * What a strip of these indices shows: "all 8 frames", "frames 0-8 of 29" for a run of consecutive frames, else the
     * list, e.g. "frames 0, 2, 4, 6, 9, 11, 13, 15 of 16 (evenly spaced)".
     */
    public static String describe(int[] shown, int frames) {
        if (shown.length == frames) {
            return frames == 1 ? "the only frame" : "all " + frames + " frames";
        }
        boolean consecutive = IntStream.range(1, shown.length).allMatch(i -> shown[i] == shown[i - 1] + 1);
        if (consecutive && shown.length > 2) {
            return "frames " + shown[0] + "-" + shown[shown.length - 1] + " of " + frames;
        }
        String list = IntStream.of(shown).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        return "frames " + list + " of " + frames + (java.util.Arrays.equals(shown, evenIndices(frames, shown.length)) ? " (evenly spaced)" : "");
    }

    /** How wide each of {@code count} thumbnails of {@code width}-pixel frames is drawn so the strip fits {@link VideoHtml#MAX_WIDTH}. */
    static int thumbWidth(int width, int count) {
        int fit = (VideoHtml.MAX_WIDTH - (count - 1) * GAP) / Math.max(1, count);
        return Math.min(Math.max(width, MIN_THUMB), fit);
    }

    /**
     * A strip of at most {@code maxFrames} frames of {@code video}, spread evenly, each labelled "t = index", under a
     * caption line ({@code title}, then which frames are shown).
     */
    public static String strip(List<RgbFrame> video, String title, int maxFrames) {
        return strip(video, title, evenIndices(video.size(), maxFrames));
    }

    /** As {@link #strip(List, String, int)} with the frames chosen (indices past the end are left out). */
    public static String strip(List<RgbFrame> video, String title, int[] frames) {
        int[] shown = IntStream.of(frames).filter(t -> t >= 0 && t < video.size()).toArray();
        List<BufferedImage> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int t : shown) {
            images.add(video.get(t).toImage());
            captions.add("t = " + t);
        }
        String what = describe(shown, video.size());
        return "<div>" + caption(title == null ? what : "<b>" + escape(title) + "</b>: " + what) + row(images, captions) + "</div>";
    }

    /** Images in a row, each with a caption under it (e.g. one image per noise level), drawn at least 128 pixels wide. */
    public static String row(List<BufferedImage> images, List<String> captions) {
        return row(images, captions, MIN_THUMB);
    }

    /** As {@link #row(List, List)}, each image drawn at least {@code minWidth} pixels wide where the row still fits. */
    public static String row(List<BufferedImage> images, List<String> captions, int minWidth) {
        if (images.size() != captions.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + captions.size() + " captions");
        }
        StringBuilder sb = new StringBuilder("<div style='display:flex;flex-wrap:wrap;gap:" + GAP + "px'>");
        for (int i = 0; i < images.size(); i++) {
            BufferedImage im = images.get(i);
            sb.append("<figure style='margin:0;text-align:center'><img width='").append(thumbWidth(Math.max(im.getWidth(), minWidth), images.size()))
                    .append("' style='image-rendering:pixelated;display:block' src='data:image/jpeg;base64,")
                    .append(Base64.getEncoder().encodeToString(VideoHtml.jpegBytes(im, 0.75f)))
                    .append("'/><figcaption style='font:12px sans-serif'>").append(escape(captions.get(i))).append("</figcaption></figure>");
        }
        return sb.append("</div>").toString();
    }

    /** A caption line in the notebooks' small grey type ({@code html} is inserted as it is). */
    static String caption(String html) {
        return "<div style='font:12px sans-serif;color:#333;margin:2px 0'>" + html + "</div>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
