package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.StateDict;

class Discriminator3DTest {
    static NDManager manager;
    @TempDir Path tmp;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(11);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void keysFollowNLayerDiscriminatorAndShapesShrinkAsDocumented() {
        Discriminator3D d = new Discriminator3D(manager, new Discriminator3D.Config(3, 8, 3, 3, "group"));
        // main.0 conv, main.1 LeakyReLU, main.2 conv, main.3 norm, main.4 LeakyReLU, ... as the reference's Sequential.
        assertEquals(java.util.List.of("main.0.weight", "main.0.bias", "main.2.weight", "main.3.weight", "main.3.bias", "main.5.weight",
                "main.6.weight", "main.6.bias", "main.8.weight", "main.9.weight", "main.9.bias", "main.11.weight", "main.11.bias"),
                new java.util.ArrayList<>(d.namedParameters().keySet()));
        assertEquals(new Shape(64, 32, 3, 4, 4), d.stateDict().get("main.8.weight").getShape());
        // 8 frames of 32x32: three stride-2 layers give t 4, 2, 1 and h 16, 8, 4; the two stride-1 4x4 layers give 3, then 2.
        assertEquals(new Shape(2, 1, 1, 2, 2), d.forward(manager.randomNormal(new Shape(2, 3, 8, 32, 32))).getShape());
        assertEquals(new Shape(1, 1, 1, 2, 2), d.logitsShape(1, 1, 32, 32));
        float std = d.stateDict().get("main.5.weight").square().mean().sqrt().getFloat();
        assertEquals(0.02, std, 0.002, "weights_init: N(0, 0.02)");
    }

    @Test
    void hingeLossesHaveTheirClosedForms() {
        NDArray real = manager.create(new float[] {2f, 0.5f, -1f, 0f});
        NDArray fake = manager.create(new float[] {-2f, 0f, 0.5f, -0.5f});
        // relu(1 - real) = 0, 0.5, 2, 1 -> mean 0.875; relu(1 + fake) = 0, 1, 1.5, 0.5 -> mean 0.75.
        assertEquals(0.5 * (0.875 + 0.75), VideoDiscriminatorLoss.hingeDiscriminator(real, fake).getFloat(), 1e-6);
        assertEquals(0.5, VideoDiscriminatorLoss.generatorAdversarial(fake).getFloat(), 1e-6);
        NDArray x = manager.create(new float[] {1f, -1f});
        NDArray y = manager.create(new float[] {0f, 1f});
        assertEquals(1.5, new VideoDiscriminatorLoss(true, null, 1, 0.5).reconstruction(x, y).getFloat(), 1e-6);
        assertEquals(2.5, new VideoDiscriminatorLoss(false, null, 1, 0.5).reconstruction(x, y).getFloat(), 1e-6);
    }

    @Test
    void aDiscriminatorStepLowersItsHingeLoss() {
        Discriminator3D d = new Discriminator3D(manager, new Discriminator3D.Config(3, 8, 2, 3, "group"));
        d.setTrainable(k -> true);
        NDArray real = manager.randomUniform(-1f, 1f, new Shape(8, 3, 16, 16));
        NDArray fake = real.add(manager.randomNormal(0f, 0.5f, real.getShape(), real.getDataType()));
        float before;
        try (var gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = VideoDiscriminatorLoss.discriminator(real, fake, d, 4);
            before = loss.getFloat();
            gc.backward(loss);
        }
        for (NDArray p : d.trainableParameters().values()) {
            p.subi(p.getGradient().mul(0.05f));
        }
        float after = VideoDiscriminatorLoss.discriminator(real, fake, d, 4).getFloat();
        assertTrue(after < before, before + " -> " + after);
    }

    @Test
    void lpipsIsOffWithoutWeightsAndSaysWhy() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertNull(Lpips.loadOrExplain(manager, null, new PrintStream(log)));
        assertTrue(log.toString().contains("cannot be downloaded"), log.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lpips.load(manager, tmp.resolve("vgg.safetensors"), ""));
        assertTrue(e.getMessage().contains("vgg.safetensors") && e.getMessage().contains("LPIPS"), e.getMessage());
    }

    @Test
    void lpipsLoadsReferenceKeysAndMeasuresDistance() {
        Lpips a = new Lpips(manager);
        Map<String, NDArray> sd = a.stateDict();
        assertTrue(sd.containsKey("net.slice3.14.weight") && sd.containsKey("lin4.model.1.weight") && sd.containsKey("scaling_layer.shift"));
        assertEquals(new Shape(1, 512, 1, 1), sd.get("lin4.model.1.weight").getShape());
        // LPIPS's linear weights are non-negative, so the distance is too.
        for (int l = 0; l < 5; l++) {
            StateDict.assign(sd.get("lin" + l + ".model.1.weight"), sd.get("lin" + l + ".model.1.weight").abs());
        }
        Path f = tmp.resolve("lpips.safetensors");
        StateDict.save(a, f, "", Map.of());
        Lpips b = Lpips.load(manager, f, "");
        NDArray x = manager.randomUniform(-1f, 1f, new Shape(2, 3, 32, 32));
        NDArray y = manager.randomUniform(-1f, 1f, new Shape(2, 3, 32, 32));
        assertEquals(new Shape(2, 1, 1, 1), b.forward(x, y).getShape());
        assertEquals(0f, b.forward(x, x).abs().max().getFloat(), 1e-6f);
        assertTrue(b.forward(x, y).min().getFloat() > 0);
        VideoDiscriminatorLoss loss = new VideoDiscriminatorLoss(true, b, 1.0, 0.5);
        assertTrue(loss.reconstructionWithPerceptual(x, y).getFloat() > loss.reconstruction(x, y).getFloat());
    }
}
