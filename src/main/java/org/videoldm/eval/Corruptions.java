package org.videoldm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.videoldm.data.RgbFrame;

/**
 * Distortions of real clips at increasing strengths, after the validation of FVD (Unterthiner et al. 2018: a video
 * metric must grow as videos are distorted, spatially and temporally). Strength 0 leaves a clip as it is; 1-3 are
 * increasingly strong. Everything is a function of the clip and the random generator given.
 */
public final class Corruptions {
    private Corruptions() {}

    public enum Kind {
        /** Gaussian pixel noise drawn anew for every frame, sigma 8, 20, 45 of 255. */
        STATIC_NOISE,
        /** Box blur applied twice (close to a Gaussian), radius 1, 2, 3 pixels. */
        BLUR,
        /** Temporal noise: 1, 2, 4 swaps of two random frames. */
        SHUFFLE,
        /** 1, 2, 4 frames dropped, each replaced by a repetition of the one before. */
        DROP_REPEAT,
        /** From the middle frame on, day turns to night: darker by 30%, 55%, 80% and bluer. */
        DAY_NIGHT_SWAP,
        /** The last 2, 4, 7 frames frozen on the frame before them (7 of 8: a still clip). */
        FREEZE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public static final int STRENGTHS = 3;

    /** {@code clip} distorted by {@code kind} at {@code strength} (0..3). */
    public static List<RgbFrame> apply(Kind kind, int strength, List<RgbFrame> clip, SplittableRandom rng) {
        if (strength < 0 || strength > STRENGTHS) {
            throw new IllegalArgumentException("corruption strength must be 0.." + STRENGTHS + ", got " + strength);
        }
        if (strength == 0) {
            return List.copyOf(clip);
        }
        int t = clip.size();
        List<RgbFrame> out = new ArrayList<>(clip);
        switch (kind) {
            case STATIC_NOISE -> {
                double sigma = new double[] {8, 20, 45}[strength - 1];
                out.replaceAll(f -> noise(f, sigma, rng));
            }
            case BLUR -> {
                int r = strength;
                out.replaceAll(f -> boxBlur(boxBlur(f, r), r));
            }
            case SHUFFLE -> {
                for (int k = 0; k < new int[] {1, 2, 4}[strength - 1]; k++) {
                    int a = rng.nextInt(t);
                    int b = (a + 1 + rng.nextInt(t - 1)) % t;
                    RgbFrame x = out.get(a);
                    out.set(a, out.get(b));
                    out.set(b, x);
                }
            }
            case DROP_REPEAT -> {
                List<Integer> positions = new ArrayList<>();
                for (int i = 1; i < t; i++) {
                    positions.add(i);
                }
                java.util.Collections.shuffle(positions, new java.util.Random(rng.nextLong()));
                List<Integer> dropped = new ArrayList<>(positions.subList(0, Math.min(t - 1, new int[] {1, 2, 4}[strength - 1])));
                java.util.Collections.sort(dropped);
                for (int i : dropped) {
                    out.set(i, out.get(i - 1));
                }
            }
            case DAY_NIGHT_SWAP -> {
                double dark = new double[] {0.30, 0.55, 0.80}[strength - 1];
                for (int i = t / 2; i < t; i++) {
                    out.set(i, night(out.get(i), dark));
                }
            }
            case FREEZE -> {
                int k = Math.min(t - 1, new int[] {2, 4, 7}[strength - 1]);
                for (int i = t - k; i < t; i++) {
                    out.set(i, out.get(t - k - 1));
                }
            }
        }
        return out;
    }

    static RgbFrame noise(RgbFrame f, double sigma, SplittableRandom rng) {
        byte[] d = f.rgb().clone();
        for (int i = 0; i < d.length; i++) {
            // Box-Muller from the clip's generator, so a run is repeatable
            double g = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
            d[i] = (byte) Math.max(0, Math.min(255, (int) Math.round((d[i] & 0xff) + sigma * g)));
        }
        return new RgbFrame(f.width(), f.height(), d);
    }

    static RgbFrame boxBlur(RgbFrame f, int r) {
        int w = f.width();
        int h = f.height();
        byte[] src = f.rgb();
        byte[] tmp = new byte[src.length];
        byte[] dst = new byte[src.length];
        for (int pass = 0; pass < 2; pass++) { // horizontal, then vertical
            byte[] in = pass == 0 ? src : tmp;
            byte[] out = pass == 0 ? tmp : dst;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        int sum = 0;
                        int n = 0;
                        for (int k = -r; k <= r; k++) {
                            int xx = pass == 0 ? x + k : x;
                            int yy = pass == 0 ? y : y + k;
                            if (xx >= 0 && xx < w && yy >= 0 && yy < h) {
                                sum += in[(yy * w + xx) * 3 + c] & 0xff;
                                n++;
                            }
                        }
                        out[(y * w + x) * 3 + c] = (byte) Math.round(sum / (float) n);
                    }
                }
            }
        }
        return new RgbFrame(w, h, dst);
    }

    /** Darker by {@code dark} and shifted towards blue, as dusk and night footage is. */
    static RgbFrame night(RgbFrame f, double dark) {
        byte[] d = f.rgb().clone();
        double keep = 1 - dark;
        for (int i = 0; i < d.length; i += 3) {
            d[i] = (byte) Math.round((d[i] & 0xff) * keep * 0.80);
            d[i + 1] = (byte) Math.round((d[i + 1] & 0xff) * keep * 0.90);
            d[i + 2] = (byte) Math.round(Math.min(255, (d[i + 2] & 0xff) * keep * 1.05));
        }
        return new RgbFrame(f.width(), f.height(), d);
    }
}
