package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;

/**
 * Model cards show the settings JSON and the command line as written: the settings shared through the diffusion
 * settings classes must keep their place in both, and their defaults.
 */
class StageSettingsTest {
    static final List<String> COMMON = List.of("scale", "mode", "data", "steps", "batch", "lr", "warmup", "emaDecay", "gradClip", "seed",
            "checkpointEvery", "resume", "float16");
    static final Path AE = Path.of("ae.safetensors");

    static List<String> keys(StageSettings<?> s) {
        return new ArrayList<>(s.toJson().keySet());
    }

    static List<String> withCommon(String... own) {
        List<String> all = new ArrayList<>(List.of(own));
        all.addAll(COMMON);
        return all;
    }

    @Test
    void cardsListSettingsInTheirOrder() {
        assertEquals(withCommon("autoencoder", "sigmaData", "pMean", "pStd", "flip", "previewSamples", "previewSteps", "labels", "labelFiles", "captions",
                "captionFiles", "ucgRate", "initFrom", "previewGuidance"),
                keys(ImageLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL).autoencoder(AE).initFrom(Path.of("init.safetensors"))));
        assertEquals(withCommon("variant", "imageLdm", "autoencoder", "sigmaData", "pMean", "pStd", "flip", "alphaEvery", "previewVideos", "previewSteps",
                "captions", "captionFiles", "ucgRate", "labels", "labelFiles", "previewGuidance"),
                keys(TemporalAlignment.Settings.defaults(Scale.TOY, RunMode.FULL).autoencoder(AE).imageLdm(Path.of("image_ldm.safetensors"))));
        assertEquals(withCommon("autoencoder", "sigmaData", "pMean", "pStd", "flip", "ucgRate", "maxBoxes", "numFreqs", "contextDim", "previewSamples",
                "previewSteps", "previewGuidance"), keys(BoxLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL).autoencoder(AE)));
        assertEquals(withCommon("imageParent", "fromScratch", "temporalParent", "freshTemporal", "autoencoder", "videoSteps", "videoBatch", "videoLr",
                "videoWarmup", "sigmaData", "pMean", "pStd", "videoPMean", "videoPStd", "flip", "upscale", "previewVideos", "previewSteps"),
                keys(UpsamplerTraining.Settings.defaults(Scale.TOY, RunMode.FULL).autoencoder(AE).imageParent(Path.of("i")).temporalParent(Path.of("t"))));
        List<String> masked = List.of("parent", "autoencoder", "sigmaData", "pMean", "pStd", "flip", "previewVideos", "previewSteps", "labels",
                "labelFiles", "ucgRate");
        List<String> prediction = new ArrayList<>(List.of("contextWeights", "previewFrames", "previewGuidance"));
        prediction.addAll(masked);
        assertEquals(withCommon(prediction.toArray(new String[0])),
                keys(PredictionTraining.Settings.defaults(Scale.TOY, RunMode.FULL).autoencoder(AE).parent(Path.of("p"))));
        List<String> interpolation = new ArrayList<>(List.of("stride", "windowKeyframes"));
        interpolation.addAll(masked);
        assertEquals(withCommon(interpolation.toArray(new String[0])),
                keys(InterpolationTraining.Settings.defaults(Scale.TOY, RunMode.FULL).autoencoder(AE).parent(Path.of("p"))));
        assertEquals(withCommon("autoencoder", "clipsPerShard", "batchClips", "flip"), keys(LatentCaching.Settings.defaults(Scale.TOY, RunMode.FULL).autoencoder(AE)));
    }

    @Test
    void sharedDefaultsAreEachStagesOwn() {
        ImageLDMTraining.Settings image = ImageLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL);
        assertEquals(List.of(0.5, -1.2, 1.2, 25, 5.0, 0.1), List.of(image.sigmaData, image.pMean, image.pStd, image.previewSteps, image.previewGuidance,
                image.ucgRate));
        TemporalAlignment.Settings temporal = TemporalAlignment.Settings.defaults(Scale.TOY, RunMode.SMOKE);
        assertEquals(List.of(0.5, 1.4, 2), List.of(temporal.pMean, temporal.pStd, temporal.previewSteps));
        BoxLDMTraining.Settings box = BoxLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL);
        assertEquals(List.of(-1.2, 1.2, 3.0, 12_000L, 32), List.of(box.pMean, box.pStd, box.previewGuidance, box.steps, box.batch));
        PredictionTraining.Settings prediction = PredictionTraining.Settings.defaults(Scale.TOY, RunMode.FULL);
        assertEquals(List.of(0.5, 1.4, 2.0, 25), List.of(prediction.pMean, prediction.pStd, prediction.previewGuidance, prediction.previewSteps));
        UpsamplerTraining.Settings upsampler = UpsamplerTraining.Settings.defaults(Scale.TOY, RunMode.SMOKE);
        assertEquals(List.of(-1.2, 1.2, 0.5, 1.4, 2), List.of(upsampler.pMean, upsampler.pStd, upsampler.videoPMean, upsampler.videoPStd,
                upsampler.previewSteps));
    }

    @Test
    void commandLinesRepeatTheConditioning() {
        List<Path> files = List.of(Path.of("a.txt"), Path.of("b.txt"));
        String base = "./videoldm train image-ldm --data synthetic --scale toy --seed 0 --steps 12000";
        assertEquals(base + " --labels a.txt b.txt --ucg-rate 0.2 --init-from i.safetensors",
                ImageLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL).labels(true, files).ucgRate(0.2).initFrom(Path.of("i.safetensors")).commandLine());
        assertEquals(base + " --captions a.txt b.txt --ucg-rate 0.1",
                ImageLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL).captions(true, files).commandLine());
        assertEquals("./videoldm train temporal --data synthetic --scale toy --seed 0 --steps 4000 --variant conv-only --captions --ucg-rate 0.1",
                TemporalAlignment.Settings.defaults(Scale.TOY, RunMode.FULL).variant(TemporalAlignment.Variant.CONV_ONLY).captions(true, List.of()).commandLine());
        assertEquals("./videoldm train box-ldm --data synthetic --scale toy --seed 0 --steps 12000 --ucg-rate 0.3",
                BoxLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL).ucgRate(0.3).commandLine());
        assertEquals("./videoldm train prediction --data synthetic --scale toy --seed 0 --steps 3000 --labels a.txt --ucg-rate 0.1",
                PredictionTraining.Settings.defaults(Scale.TOY, RunMode.FULL).labels(true, List.of(Path.of("a.txt"))).commandLine());
    }
}
