package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.videoldm.data.SyntheticDriving;
import org.videoldm.io.StateDict;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.train.Scale;
import org.videoldm.util.Progress;

/**
 * Stand-ins for the base stages' outputs at toy frame size, small: an f = 4 autoencoder (latents 4 x 16 x 32),
 * an image UNet and a video UNet from it (32 channels, one level, no attention), and four procedural clips.
 */
final class TinyParents {
    static final String UNET = """
            {"in_channels": 4, "out_channels": 4, "model_channels": 32, "channel_mult": [1], "num_res_blocks": 1,
             "attention_resolutions": [], "num_head_channels": 32}""";

    private TinyParents() {}

    /** Writes {@code autoencoder}, {@code image_ldm}, {@code video_ldm} into {@code checkpoints} and clips into {@code data}. */
    static void write(Path checkpoints, Path data) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(21);
            DDConfig dd = DDConfig.fromJson(JsonParser.parseString("""
                    {"ch": 32, "out_ch": 3, "ch_mult": [1, 1, 1], "num_res_blocks": 1, "attn_resolutions": [], "in_channels": 3,
                     "resolution": 64, "z_channels": 4}""").getAsJsonObject());
            SavedNetwork.save(checkpoints.resolve("autoencoder.safetensors"), new AutoencoderKL(m, dd, 4), SavedNetwork.meta().scaleFactor(0.8), false);
            UNetModel image = new UNetModel(m, UNetConfig.fromJson(JsonParser.parseString(UNET).getAsJsonObject()));
            // As if trained: with its zero-initialised output layer the network's output would not depend on anything.
            NDArray out = image.stateDict().get("out.2.weight");
            StateDict.assign(out, m.randomNormal(out.getShape()).mul(0.05f));
            SavedNetwork.save(checkpoints.resolve("image_ldm.safetensors"), image, SavedNetwork.meta().denoiser(org.videoldm.pipeline.Denoisers.edm(0.5)), false);
            VideoUNet video = VideoUNet.fromImage(m, image, Scale.TOY.videoUNet(image.config()));
            SavedNetwork.save(checkpoints.resolve("video_ldm.safetensors"), video, SavedNetwork.meta().frames(8), false);
        }
        new SyntheticDriving(4, 16, 64, 128, 3).writeFolder(data, SyntheticDriving.Format.MP4, 1);
    }

    /**
     * Points stage settings at those files (parents in {@code root/checkpoints}, outputs in {@code root/out}, runs in
     * {@code root/runs}) for a few-step run: float32 export and no EMA, so the export is the trained state itself.
     */
    static <S extends StageSettings<S>> S quiet(S s, Path root, long steps, int batch) {
        return s.data(root.resolve("data").toString()).projectRoot(root).checkpoints(root.resolve("checkpoints")).out(root.resolve("out"))
                .runDir(root.resolve("runs").resolve(s.stage())).steps(steps).batch(batch).lr(1e-3).warmup(0).emaDecay(0).float16(false)
                .progress(Progress.Mode.QUIET);
    }
}
