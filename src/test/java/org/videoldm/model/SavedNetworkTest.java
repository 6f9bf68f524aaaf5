package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.StateDict;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.nn.Module;

class SavedNetworkTest {
    @TempDir
    Path dir;

    static UNetConfig unetConfig(String extra) {
        return UNetConfig.fromJson(JsonParser.parseString("{\"in_channels\":4,\"model_channels\":32,\"out_channels\":4,\"num_res_blocks\":1,"
                + "\"attention_resolutions\":[2],\"channel_mult\":[1,2],\"num_head_channels\":16" + extra + "}").getAsJsonObject());
    }

    static DDConfig ddconfig() {
        return DDConfig.fromJson(JsonParser.parseString("{\"ch\":32,\"out_ch\":3,\"ch_mult\":[1,2],\"num_res_blocks\":1,\"attn_resolutions\":[],"
                + "\"in_channels\":3,\"resolution\":32,\"z_channels\":4}").getAsJsonObject());
    }

    /** Saves, reloads, and checks kind, config, metadata, every tensor bitwise and a forward pass. */
    private SavedNetwork roundTrip(NDManager m, Module module, String kind, java.util.function.Function<Module, NDArray> forward) {
        Path file = dir.resolve(kind + ".safetensors");
        JsonObject den = JsonParser.parseString("{\"scaling\":\"edm\",\"sigma_data\":0.5}").getAsJsonObject();
        SavedNetwork.save(file, module, SavedNetwork.meta().denoiser(den).scaleFactor(0.75).frames(4).put("videoldm.note", "x"), false);
        SavedNetwork back = SavedNetwork.load(file, m);
        assertEquals(kind, back.kind());
        assertEquals(den, back.denoiser());
        assertEquals(0.75, back.scaleFactor().getAsDouble());
        assertEquals(4, back.frames().getAsInt());
        assertEquals("x", back.get("videoldm.note"));
        Map<String, NDArray> a = module.stateDict();
        Map<String, NDArray> b = back.module().stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k);
        }
        assertArrayEquals(forward.apply(module).toFloatArray(), forward.apply(back.module()).toFloatArray(), 0f, kind + " output");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            String prefix = SavedNetwork.prefix(kind);
            assertTrue(f.keys().stream().allMatch(k -> k.startsWith(prefix)), "every key under " + prefix);
        }
        return back;
    }

    @Test
    void imageUNetRoundTrip() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            UNetModel unet = new UNetModel(m, unetConfig(""));
            randomize(unet, m);
            NDArray x = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray t = m.create(new float[] {0.1f, -0.3f});
            roundTrip(m, unet, "UNetModel", u -> ((UNetModel) u).forward(x, t, null, null));
        }
    }

    @Test
    void unconditionalVideoUNetRoundTrip() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            // context_dim null: allowed for our own unconditional models (the reference insists on one)
            VideoUNetConfig c = new VideoUNetConfig(unetConfig(""), null, true, true, "learned_with_images", 0.0, new long[] {3, 1, 1}, false, 10000, false);
            VideoUNet unet = new VideoUNet(m, c);
            randomize(unet, m);
            NDArray x = m.randomNormal(new Shape(6, 4, 8, 8));
            NDArray t = m.full(new Shape(6), 0.2f);
            SavedNetwork back = roundTrip(m, unet, "VideoUNet", u -> ((VideoUNet) u).forwardVideo(x, t, null, null, 3));
            assertEquals(c.toJson(), back.module(VideoUNet.class).videoConfig().toJson());
            assertThrows(IllegalArgumentException.class, () -> back.module(AutoencoderKL.class));
        }
    }

    @Test
    void autoencoderWithImageAndWithVideoDecoder() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            AutoencoderKL image = new AutoencoderKL(m, ddconfig(), 4);
            randomize(image, m);
            NDArray px = m.randomUniform(-1f, 1f, new Shape(4, 3, 16, 16));
            roundTrip(m, image, "AutoencoderKL", a -> ((AutoencoderKL) a).decode(((AutoencoderKL) a).encode(px).mode()));

            VideoDecoder vd = VideoDecoder.fromImage(m, image.decoder(), VideoDecoderConfig.svd(ddconfig()));
            AutoencoderKL video = new AutoencoderKL(m, ddconfig(), 4, vd);
            StateDict.load(video.encoder(), image.encoder().stateDict(), "encoder");
            randomize(video, m);
            SavedNetwork back = roundTrip(m, video, "AutoencoderKL", a -> ((AutoencoderKL) a).decode(((AutoencoderKL) a).encode(px).mode(), 2));
            assertInstanceOf(VideoDecoder.class, back.module(AutoencoderKL.class).decoder());
            assertEquals(vd.videoConfig().toJson(), ((VideoDecoder) back.module(AutoencoderKL.class).decoder()).videoConfig().toJson());
        }
    }

    @Test
    void float16ExportLoadsBackWithinHalfPrecision() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            UNetModel unet = new UNetModel(m, unetConfig(""));
            randomize(unet, m);
            Path f32 = dir.resolve("f32.safetensors");
            Path f16 = dir.resolve("f16.safetensors");
            SavedNetwork.save(f32, unet, null, false);
            SavedNetwork.save(f16, unet, null, true);
            assertEquals("float16", SavedNetwork.metadata(f16).get(SavedNetwork.KEY_DTYPE));
            assertTrue(f16.toFile().length() < 0.55 * f32.toFile().length(), "float16 file is about half the size");
            SavedNetwork back = SavedNetwork.load(f16, m);
            double worst = 0;
            for (Map.Entry<String, NDArray> e : unet.stateDict().entrySet()) {
                float[] w = e.getValue().toFloatArray();
                float[] h = back.module().stateDict().get(e.getKey()).toFloatArray();
                assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, back.module().stateDict().get(e.getKey()).getDataType());
                for (int i = 0; i < w.length; i++) {
                    // float16 keeps 11 significant bits: rounding error at most 2^-11 relative (absolute 2^-25 below the normal range, 2^-14)
                    double err = Math.abs(w[i] - h[i]) / Math.max(Math.abs(w[i]), Math.pow(2, -14));
                    worst = Math.max(worst, err);
                }
            }
            assertTrue(worst <= Math.pow(2, -11) * 1.0001, "worst relative rounding " + worst);
            assertTrue(worst > 0, "float16 must actually round something");
        }
    }

    @Test
    void refusesFilesThatAreNotSavedNetworks() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = new UNetModel(m, unetConfig(""));
            Path plain = dir.resolve("plain.safetensors");
            StateDict.save(unet, plain, "model.diffusion_model.", Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedNetwork.load(plain, m));
            assertTrue(e.getMessage().contains("plain.safetensors") && e.getMessage().contains("not a saved network"), e.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> SavedNetwork.load(dir.resolve("nope.safetensors"), m));
            assertTrue(missing.getMessage().contains("nope.safetensors"), missing.getMessage());
        }
    }

    /** Gives every parameter non-trivial values (zero-initialised output layers would hide mistakes). */
    static void randomize(Module module, NDManager m) {
        module.stateDict().forEach((k, v) -> StateDict.assign(v, m.randomNormal(0f, 0.05f, v.getShape(), v.getDataType()).add(0.01f)));
    }
}
