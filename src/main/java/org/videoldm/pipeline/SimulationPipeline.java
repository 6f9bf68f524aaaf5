package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.videoldm.data.BoundingBox;
import org.videoldm.data.DrivingLabels;
import org.videoldm.data.RgbFrame;
import org.videoldm.nn.Ops;
import org.videoldm.train.stages.LabelConditioning;

/**
 * The paper's driving simulation (Sec. 4.1): the box-conditioned image LDM sets up a scenario's first frame from car
 * boxes, then the (label-conditioned) prediction model rolls it out, several futures of the same first frame in one
 * batch. The first frame is the rollouts' one given context frame (S = 1), so every future starts from it and they
 * differ by their noise only.
 */
public final class SimulationPipeline {
    private final BoxLDMPipeline box;
    private final LongVideoPipeline prediction;
    private final VideoLDMPipeline decoding;
    private final int[] frameSize;

    private SimulationPipeline(BoxLDMPipeline box, LongVideoPipeline prediction, VideoLDMPipeline decoding, int[] frameSize) {
        this.box = box;
        this.prediction = prediction;
        this.decoding = decoding;
        this.frameSize = frameSize;
    }

    /** The box LDM and autoencoder of a folder and, with {@code rollouts}, its prediction model and decoders. */
    public static SimulationPipeline load(Path dir, NDManager m, boolean rollouts) {
        CheckpointFolder f = CheckpointFolder.of(dir);
        f.require(CheckpointFolder.AUTOENCODER);
        f.require(CheckpointFolder.BOX_LDM);
        if (rollouts) {
            f.require(CheckpointFolder.PREDICTION);
        }
        return new SimulationPipeline(BoxLDMPipeline.load(dir, m), rollouts ? LongVideoPipeline.load(dir, m) : null,
                rollouts ? VideoLDMPipeline.load(dir, m) : null, f.frameSize());
    }

    public BoxLDMPipeline box() {
        return box;
    }

    /** The prediction model (null when loaded for first frames only). */
    public LongVideoPipeline prediction() {
        return prediction;
    }

    public int[] frameSize() {
        return frameSize.clone();
    }

    /** Scaled latents [1, C, h, w] of a first frame with cars in {@code boxes}, guided on them with {@code guidance}. */
    public NDArray firstFrame(NDManager m, List<BoundingBox> boxes, VideoLDMPipeline.Options o, double guidance) {
        return box.latents(m, List.of(boxes), box.latentShape(frameSize[0], frameSize[1]), o, guidance);
    }

    public RgbFrame decodeFirstFrame(NDArray first) {
        return VideoLDMPipeline.toFrames(box.firstStage().decode(first, 1, 1), 1).get(0).get(0);
    }

    /** A label text (e.g. "night,crowded") as the prediction model's label vector; null stays null (labels free). */
    public static float[] labelVector(String labels) {
        return labels == null ? null : LabelConditioning.conditioner(0).oneHot(DrivingLabels.parse(labels).classes(), null);
    }

    /**
     * {@code futures} rollouts of {@code frames} frames each (the first frame included) continuing {@code first}, decoded
     * with {@code decoder} (the image decoder when the folder has no temporal one). Future i uses a seed derived from
     * (the options' seed, i); {@code o}'s context frames are set to 1, the first frame.
     *
     * @param labels the rollout's scene labels for a label-conditioned prediction model, or null
     */
    public List<List<RgbFrame>> futures(NDManager m, NDArray first, int futures, int frames, String labels, LongVideoPipeline.Options o,
            VideoLDMPipeline.DecoderChoice decoder) {
        if (prediction == null) {
            throw new IllegalStateException("simulation: loaded for first frames only, without the prediction model");
        }
        try (NDManager scope = m.newSubManager()) {
            NDArray context = futures == 1 ? first : Ops.cat(0, Collections.nCopies(futures, first).toArray(new NDArray[0]));
            NDArray z = prediction.latents(scope, futures, frames, context, o.withContextFrames(1), labelVector(labels), null, null);
            VideoLDMPipeline.DecoderChoice dec = decoding.hasTemporalDecoder() ? decoder : VideoLDMPipeline.DecoderChoice.IMAGE;
            return VideoLDMPipeline.toFrames(decoding.decode(z, frames, dec, prediction.windowFrames(), null), frames);
        }
    }
}
