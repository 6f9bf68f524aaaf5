package org.videoldm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.Random;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiscreteDenoiser;
import org.videoldm.diffusion.EpsScaling;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;

/** A small UNet (32 channels, two levels) on 8x8 latents of a toy dataset: four fixed patterns. */
final class TinyDiffusion {
    static final int SIZE = 8;
    static final int ITEMS = 16;

    static UNetModel unet(NDManager m, int initSeed) {
        Engine.getInstance().setRandomSeed(initSeed);
        String cfg = "{\"in_channels\":4,\"model_channels\":32,\"out_channels\":4,\"num_res_blocks\":1,"
                + "\"attention_resolutions\":[],\"channel_mult\":[1,2],\"num_head_channels\":16}";
        UNetModel unet = new UNetModel(m, UNetConfig.fromJson(JsonParser.parseString(cfg).getAsJsonObject()));
        unet.setTrainable(k -> true);
        return unet;
    }

    /** Item i: pattern i % 4, a fixed random image of std ~0.5. */
    static float[] item(int i) {
        Random r = new Random(1000 + i % 4);
        float[] v = new float[4 * SIZE * SIZE];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (0.5 * r.nextGaussian());
        }
        return v;
    }

    static NDArray batch(NDManager m, int[] indices) {
        float[] all = new float[indices.length * 4 * SIZE * SIZE];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(item(indices[b]), 0, all, b * 4 * SIZE * SIZE, 4 * SIZE * SIZE);
        }
        return m.create(all, new Shape(indices.length, 4, SIZE, SIZE));
    }

    static DiffusionStage stage(UNetModel unet, long dataSeed, int batchSize, int accumulation) {
        DataOrder order = new DataOrder(ITEMS, dataSeed);
        return new DiffusionStage(new OpenAIWrapper(unet), new Denoiser(new EDMScaling()),
                new DiffusionLoss(new EDMSampling(), LossWeighting.edm(0.5)),
                ctx -> new DiffusionStage.Batch(batch(ctx.manager(), order.batch(ctx.step(), ctx.micro(), accumulation, batchSize)), Conditioning.none(), null));
    }

    /** SD-style noise prediction over the 1000 DDPM steps: learns fastest at this scale (used to show the loss falls). */
    static DiffusionStage epsStage(UNetModel unet, long dataSeed, int batchSize) {
        DataOrder order = new DataOrder(ITEMS, dataSeed);
        return new DiffusionStage(new OpenAIWrapper(unet), DiscreteDenoiser.legacyDDPM(new EpsScaling()),
                new DiffusionLoss(DiscreteSampling.legacyDDPM(), LossWeighting.eps()),
                ctx -> new DiffusionStage.Batch(batch(ctx.manager(), order.batch(ctx.step(), ctx.micro(), 1, batchSize)), Conditioning.none(), null));
    }

    private TinyDiffusion() {}
}
