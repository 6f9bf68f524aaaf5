package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.videoldm.util.Seeds;

/**
 * Class labels to the {@code vector} conditioning (the UNet's {@code y}, through {@code num_classes: sequential} and
 * {@code adm_in_channels}), as sgm's {@code GeneralConditioner} does it with one identity embedder per label group:
 * each group becomes a one-hot vector, the groups' vectors are concatenated along the channel axis (the reference
 * concatenates every embedder's 2-d output into {@code vector}), and each group has its own dropout.
 *
 * <p>Dropout for classifier-free guidance ({@code ucg_rate}): in training each group of each row is dropped with that
 * probability, independently, and a dropped group's vector is zero, as the reference zeroes a dropped embedding when
 * no {@code legacy_ucg_value} is set. An unknown label (class -1) is the same zero vector. So the all-zero vector is the
 * unconditional input that sampling guides against, and a sample may fix some groups and leave others free.
 * Drops are a pure function of (seed, row, group), so a resumed run drops the same labels.
 */
public final class LabelConditioner {
    private final int[] groupSizes;
    private final double ucgRate;

    /**
     * @param groupSizes classes of each label group, in vector order
     * @param ucgRate probability that a group of a row is dropped in {@link #forward}, in [0, 1]
     */
    public LabelConditioner(int[] groupSizes, double ucgRate) {
        if (!(ucgRate >= 0 && ucgRate <= 1)) {
            throw new IllegalArgumentException("label conditioner: ucg_rate must lie in [0, 1], got " + ucgRate);
        }
        if (groupSizes.length == 0 || Arrays.stream(groupSizes).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("label conditioner: need at least one group of at least one class, got " + Arrays.toString(groupSizes));
        }
        this.groupSizes = groupSizes.clone();
        this.ucgRate = ucgRate;
    }

    /** The width of the vector: the UNet's {@code adm_in_channels}. */
    public int vectorSize() {
        return Arrays.stream(groupSizes).sum();
    }

    public double ucgRate() {
        return ucgRate;
    }

    /** Which groups of which of {@code n} rows the draw of {@code seed} drops: {@code [row][group]}. */
    public boolean[][] dropped(int n, long seed) {
        boolean[][] out = new boolean[n][groupSizes.length];
        for (int i = 0; i < n; i++) {
            for (int g = 0; g < groupSizes.length; g++) {
                out[i][g] = ucgRate > 0 && new SplittableRandom(Seeds.derive(seed, i, g)).nextDouble() < ucgRate;
            }
        }
        return out;
    }

    /** The one-hot vector of one row of class indices (-1: unknown), groups marked in {@code drop} (may be null) left zero. */
    public float[] oneHot(int[] classes, boolean[] drop) {
        if (classes.length != groupSizes.length) {
            throw new IllegalArgumentException("label conditioner: " + classes.length + " labels, expected " + groupSizes.length);
        }
        float[] v = new float[vectorSize()];
        int offset = 0;
        for (int g = 0; g < groupSizes.length; g++) {
            if (classes[g] >= groupSizes[g] || classes[g] < -1) {
                throw new IllegalArgumentException("label conditioner: class " + classes[g] + " of group " + g + " is outside 0.." + (groupSizes[g] - 1));
            }
            if (classes[g] >= 0 && (drop == null || !drop[g])) {
                v[offset + classes[g]] = 1f;
            }
            offset += groupSizes[g];
        }
        return v;
    }

    /** The one-hot vectors [n, vectorSize] of rows of class indices, dropped groups ({@code drop[row][group]}, may be null) zero. */
    public NDArray vector(NDManager m, List<int[]> classes, boolean[][] drop) {
        int width = vectorSize();
        float[] v = new float[classes.size() * width];
        for (int i = 0; i < classes.size(); i++) {
            System.arraycopy(oneHot(classes.get(i), drop == null ? null : drop[i]), 0, v, i * width, width);
        }
        // copied into engine memory: the vector is the input of label_emb's first Linear, which autograd keeps for the
        // backward pass, and m.create's Java direct buffer may be freed by the garbage collector before then (util.JavaBuffers)
        NDArray javaBacked = m.create(v, new Shape(classes.size(), width));
        NDArray vector = javaBacked.duplicate();
        javaBacked.close();
        return vector;
    }

    /** The training conditioning: labels dropped by the draw of {@code seed}, each clip's row repeated for its frames. */
    public Conditioning forward(NDManager m, List<int[]> classes, long seed, int numVideoFrames) {
        return perFrame(vector(m, classes, dropped(classes.size(), seed)), numVideoFrames);
    }

    /** sgm's {@code get_unconditional_conditioning}: the labels without dropout, and the all-zero unconditional vector. */
    public Conditioning[] unconditionalConditioning(NDManager m, List<int[]> classes, int numVideoFrames) {
        NDArray c = vector(m, classes, null);
        return new Conditioning[] {perFrame(c, numVideoFrames), perFrame(m.zeros(c.getShape()), numVideoFrames)};
    }

    /** One row per frame, frames inner, with the video layout set. */
    private static Conditioning perFrame(NDArray v, int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("label conditioner: numVideoFrames must be at least 1, got " + frames);
        }
        return Conditioning.none().withVector(frames == 1 ? v : v.repeat(0, frames)).withVideo(frames, null);
    }
}
