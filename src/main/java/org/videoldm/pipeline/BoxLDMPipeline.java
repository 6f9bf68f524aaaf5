package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.data.BoundingBox;
import org.videoldm.data.RgbFrame;
import org.videoldm.diffusion.BoxLDMWrapper;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.VanillaCFG;
import org.videoldm.model.BoxLDM;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.nn.Ops;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/**
 * First frames of scenarios from car boxes (paper Sec. 4.1, driving simulation): the box LDM samples an image whose cars
 * stand in the given boxes, with classifier-free guidance against the dropped layout (every token null). Image i starts
 * from noise of a seed derived from (seed, i), so it does not depend on how many images are asked for.
 */
public final class BoxLDMPipeline {
    private final BoxLDM model;
    private final Denoiser denoiser;
    private final FirstStage firstStage;

    public BoxLDMPipeline(BoxLDM model, Denoiser denoiser, FirstStage firstStage) {
        this.model = model;
        this.denoiser = denoiser;
        this.firstStage = firstStage;
    }

    /** The box LDM and the autoencoder of a checkpoints folder. */
    public static BoxLDMPipeline load(Path dir, NDManager m) {
        CheckpointFolder f = CheckpointFolder.of(dir);
        SavedNetwork n = SavedNetwork.load(f.require(CheckpointFolder.BOX_LDM), m);
        SavedNetwork ae = SavedNetwork.load(f.require(CheckpointFolder.AUTOENCODER), m);
        double scale = ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(ae.path() + ": no latent scale factor in its metadata"));
        BoxLDM model = n.module(BoxLDM.class);
        model.setTrainable(k -> false);
        ae.module().setTrainable(k -> false);
        return new BoxLDMPipeline(model, Denoisers.fromJson(n.denoiser()),
                new FirstStage(ae.module(AutoencoderKL.class), scale, ae.path().getFileName().toString()));
    }

    public BoxLDM model() {
        return model;
    }

    public FirstStage firstStage() {
        return firstStage;
    }

    /** Latent frame [C, h, w] of images of {@code height} x {@code width} pixels. */
    public Shape latentShape(int height, int width) {
        int f = firstStage.autoencoder().ddconfig().downFactor();
        return new Shape(firstStage.autoencoder().embedDim(), height / f, width / f);
    }

    /** The conditional and unconditional (layout dropped) packed inputs of a batch of layouts. */
    public Conditioning[] conditioning(NDManager m, List<List<BoundingBox>> layouts) {
        List<List<double[]>> corners = new ArrayList<>();
        boolean[] given = new boolean[layouts.size()];
        for (int i = 0; i < layouts.size(); i++) {
            List<double[]> row = new ArrayList<>();
            layouts.get(i).forEach(b -> row.add(b.corners()));
            corners.add(row);
            given[i] = true;
        }
        NDArray c = model.embedder().pack(m, corners, given);
        NDArray uc = model.embedder().pack(m, corners, new boolean[layouts.size()]);
        return new Conditioning[] {Conditioning.crossattn(c), Conditioning.crossattn(uc)};
    }

    /**
     * Scaled latents [B, C, h, w] of one image per layout, guided with {@code guidance} (1: the conditional model alone).
     */
    public NDArray latents(NDManager m, List<List<BoundingBox>> layouts, Shape latent, VideoLDMPipeline.Options o, double guidance) {
        if (!(guidance >= 1)) {
            throw new IllegalArgumentException("box guidance scale must be at least 1, got " + guidance);
        }
        DiffusionSampler sampler = Samplers.create(o.sampler(), o.steps(), guidance == 1 ? null : new VanillaCFG(guidance)).progress(Progress.Mode.QUIET);
        try (NDManager scope = m.newSubManager()) {
            Conditioning[] cu = conditioning(scope, layouts);
            NDArray[] noise = new NDArray[layouts.size()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = Seeds.normal(scope, new Shape(1, latent.get(0), latent.get(1), latent.get(2)), Seeds.derive(Seeds.derive(o.seed(), i), -1));
            }
            NDArray x = sampler.sample(denoiser.bind(new BoxLDMWrapper(model)), Ops.cat(0, noise), cu[0], guidance == 1 ? null : cu[1], o.seed(), null);
            x.attach(m);
            return x;
        }
    }

    /** Decoded images, one per layout. */
    public List<RgbFrame> images(NDManager m, List<List<BoundingBox>> layouts, int height, int width, VideoLDMPipeline.Options o, double guidance) {
        try (NDManager scope = m.newSubManager()) {
            NDArray z = latents(scope, layouts, latentShape(height, width), o, guidance);
            List<List<RgbFrame>> one = VideoLDMPipeline.toFrames(firstStage.decode(z, 1, 1), 1);
            List<RgbFrame> out = new ArrayList<>();
            one.forEach(v -> out.add(v.get(0)));
            return out;
        }
    }
}
