package org.videoldm.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.VideoDecoderConfig;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.nn.Module;

/**
 * A checkpoint folder of tiny untrained networks laid out as the stages write it: 16 x 32 frames, an f = 2
 * autoencoder to 4 x 8 x 16 latents, small image and video UNets, a temporal decoder; trained clip length 4.
 */
public final class TinyCheckpoints {
    public static final int HEIGHT = 16;
    public static final int WIDTH = 32;
    public static final int FRAMES = 4;

    private TinyCheckpoints() {}

    public static DDConfig ddconfig() {
        return DDConfig.fromJson(JsonParser.parseString("{\"ch\":32,\"out_ch\":3,\"ch_mult\":[1,2],\"num_res_blocks\":1,\"attn_resolutions\":[],"
                + "\"in_channels\":3,\"resolution\":16,\"z_channels\":4}").getAsJsonObject());
    }

    public static UNetConfig unet() {
        return UNetConfig.fromJson(JsonParser.parseString("{\"in_channels\":4,\"model_channels\":32,\"out_channels\":4,\"num_res_blocks\":1,"
                + "\"attention_resolutions\":[2],\"channel_mult\":[1,2],\"num_head_channels\":16}").getAsJsonObject());
    }

    /** Writes every network into {@code dir} (names as {@link CheckpointFolder}); returns dir. */
    public static Path write(Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(21);
            CheckpointFolder f = CheckpointFolder.of(dir);
            AutoencoderKL ae = new AutoencoderKL(m, ddconfig(), 4);
            save(f.network(CheckpointFolder.AUTOENCODER), ae, SavedNetwork.meta().scaleFactor(0.9).frameSize(HEIGHT, WIDTH));
            UNetModel image = new UNetModel(m, unet());
            save(f.network(CheckpointFolder.IMAGE_LDM), image, SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).scaleFactor(0.9).frames(1));
            VideoUNet video = VideoUNet.fromImage(m, image, new VideoUNetConfig(unet(), null, true, false, "learned_with_images", 0.0,
                    new long[] {3, 1, 1}, false, 10000, false));
            save(f.network(CheckpointFolder.VIDEO_LDM), video, SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).scaleFactor(0.9).frames(FRAMES));
            VideoDecoder vd = VideoDecoder.fromImage(m, ae.decoder(), VideoDecoderConfig.svd(ddconfig()));
            AutoencoderKL withVideo = new AutoencoderKL(m, ddconfig(), 4, vd);
            save(f.network(CheckpointFolder.VIDEO_DECODER), withVideo, SavedNetwork.meta().scaleFactor(0.9).frames(FRAMES).frameSize(HEIGHT, WIDTH));
        }
        return dir;
    }

    private static void save(Path file, Module module, SavedNetwork.Meta meta) {
        SavedNetwork.save(file, module, meta, true);
    }
}
