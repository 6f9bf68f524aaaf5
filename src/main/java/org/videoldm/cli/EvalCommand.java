package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.metrics.CutRate;
import org.videoldm.metrics.ToyDetector;
import org.videoldm.metrics.Detectors;
import org.videoldm.metrics.FID;
import org.videoldm.metrics.FVD;
import org.videoldm.metrics.FeatureCache;
import org.videoldm.metrics.FeatureDetector;
import org.videoldm.metrics.InceptionScore;
import org.videoldm.metrics.MetricResult;
import org.videoldm.metrics.MetricTable;
import org.videoldm.metrics.TorchScriptDetector;
import org.videoldm.metrics.VideoFolderFeatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a folder of generated videos against a folder of real videos (FVD, FID per frame, IS) and/or prompts (CLIPSIM).",
            "Prints a table (metric, value, sample counts, clip length, detector) and writes OUT.csv and OUT.json.",
            "Detector weights: see docs/metrics.md. Without them, --random-detectors gives FVD-rand/FID-rand/IS-rand, which are not comparable to published numbers."})
public final class EvalCommand implements Callable<Integer> {
    @Option(names = {"-g", "--generated"}, paramLabel = "DIR", description = "Folder of generated videos (MP4, GIF, frame folders).")
    Path generated;

    @Option(names = "--validate", description = "Instead of scoring --generated: score the held-out clips of --real against copies of themselves "
            + "distorted at increasing strengths (noise, blur, shuffling, dropped frames, day/night swap, freezing), for every metric, "
            + "and say for how many distortions the primary metric (FVD-toy) grows with every strength.")
    boolean validate;

    @Option(names = "--holdout", paramLabel = "FILE", description = "With --validate: hold-out rules that say which clips of --real are held out "
            + "(default: datasets/holdout.txt of the project).")
    Path holdout;

    @Option(names = {"-r", "--real"}, paramLabel = "DIR", description = "Folder of real videos (needed for FVD and FID).")
    Path real;

    @Option(names = "--prompts", paramLabel = "FILE", description = "Prompts for CLIPSIM: JSON {video file name: prompt}, or lines 'name<TAB>prompt', or one prompt per line in sorted video order.")
    Path prompts;

    @Option(names = "--metrics", split = ",", description = "Any of fvd-toy, fid-toy, fvd, fid, is, clipsim, cut (default with --real: fvd-toy and fid-toy "
            + "when the toy network is there, fvd/fid/is when their weights are there or --random-detectors is given; clipsim with --prompts; cut always).")
    List<String> metrics = new ArrayList<>();

    @Option(names = {"-T", "--frames"}, description = "Frames per clip (default: the FVD recipe's 16, or the shortest video's length if a video is shorter, "
            + "so no video is left out; the table says which).")
    Integer frames;

    @Option(names = "--recursive", description = "Also take videos in sub-folders of --generated and --real (default: only the files directly in them).")
    boolean recursive;

    @Option(names = "--frame-step", description = "Use every N-th source frame (default ${DEFAULT-VALUE}).")
    int frameStep = 1;

    @Option(names = "--clips-per-video", description = "At most this many back-to-back clips per video, 0 for all (default ${DEFAULT-VALUE}).")
    int clipsPerVideo = 0;

    @Option(names = "--max-clips", description = "At most this many clips per folder, 0 for all (default ${DEFAULT-VALUE}).")
    int maxClips = 0;

    @Option(names = "--batch", description = "Clips (I3D) or frames (Inception) per forward pass (default ${DEFAULT-VALUE}).")
    int batch = 4;

    @Option(names = "--detectors", paramLabel = "DIR", description = "Where the default detector files are looked for (default ${DEFAULT-VALUE}).")
    Path detectorsDir = Detectors.DEFAULT_DIR;

    @Option(names = "--i3d", paramLabel = "FILE", description = "I3D weights (.safetensors, our network) or TorchScript (.pt). Default: " + "checkpoints/detectors/i3d_pretrained_400.safetensors.")
    Path i3dWeights;

    @Option(names = "--inception", paramLabel = "FILE", description = "FID Inception weights (.safetensors or TorchScript .pt). Default: checkpoints/detectors/pt_inception-2015-12-05.safetensors.")
    Path inceptionWeights;

    @Option(names = "--is-classifier", paramLabel = "FILE", description = "TorchScript clip classifier for IS (e.g. C3D trained on UCF-101, the paper's protocol). Default: the I3D's Kinetics logits.")
    Path isClassifier;

    @Option(names = "--is-resolution", description = "Square size clips are resized to for --is-classifier (default ${DEFAULT-VALUE}; C3D exports often take 112).")
    int isResolution = 224;

    @Option(names = "--is-splits", description = "Inception Score splits (default ${DEFAULT-VALUE}; fewer when there are fewer clips).")
    int isSplits = InceptionScore.DEFAULT_SPLITS;

    @Option(names = "--clip", paramLabel = "DIR", description = "CLIP model folder for CLIPSIM: model.safetensors + vocab.json/merges.txt (default ${DEFAULT-VALUE}).")
    Path clipDir = Path.of("checkpoints", "clip");

    @Option(names = "--random-detectors", description = "Use seeded random I3D/Inception weights when a weights file is missing; results are named FVD-rand, FID-rand, IS-rand.")
    boolean randomDetectors;

    @Option(names = "--random-resolution", description = "Input size of the random detectors, for quick toy runs only (default: the recipes' 224 for I3D, 299 for Inception); shown in the detector name.")
    Integer randomResolution;

    @Option(names = "--toy", paramLabel = "FILE", description = "The FVD-toy/FID-toy network (default: checkpoints/toy/fvd_toy.safetensors of the project).")
    Path toyNetwork;

    @Option(names = "--seed", description = "Seed of the random detectors (default ${DEFAULT-VALUE}).")
    long seed = Detectors.DEFAULT_SEED;

    @Option(names = "--cache", paramLabel = "DIR", description = "Feature cache folder (default ${DEFAULT-VALUE}); 'none' to disable.")
    String cache = ".cache/features";

    @Option(names = {"-o", "--out"}, paramLabel = "BASE", description = "Write BASE.csv and BASE.json (default ${DEFAULT-VALUE}).")
    Path out = Path.of("eval", "results");

    /** 16 frames (the FVD recipe), unless a video is shorter: then its length, said on stderr, so nothing is skipped unseen. */
    private int defaultClipLength() {
        int shortest = VideoFolderFeatures.shortestVideo(generated, recursive);
        if (real != null) {
            int r = VideoFolderFeatures.shortestVideo(real, recursive);
            shortest = shortest == 0 ? r : r == 0 ? shortest : Math.min(shortest, r);
        }
        int span = (FVD.DEFAULT_CLIP_LENGTH - 1) * frameStep + 1;
        if (shortest == 0 || shortest >= span) {
            return FVD.DEFAULT_CLIP_LENGTH;
        }
        int t = Math.max(2, (shortest - 1) / frameStep + 1);
        System.err.printf("clip length %d frames: the shortest video has %d (the FVD recipe's %d-frame clips would skip it; -T sets the length)%n",
                t, shortest, FVD.DEFAULT_CLIP_LENGTH);
        return t;
    }

    @Override
    public Integer call() throws Exception {
        if (validate) {
            return validateMetrics();
        }
        if (generated == null) {
            throw new IllegalArgumentException("give --generated DIR (or --validate with --real DIR)");
        }
        List<String> which = metrics.isEmpty() ? defaults() : metrics.stream().map(s -> s.trim().toLowerCase(java.util.Locale.ROOT)).toList();
        for (String w : which) {
            if (!List.of("fvd-toy", "fid-toy", "fvd", "fid", "is", "clipsim", "cut").contains(w)) {
                throw new IllegalArgumentException("--metrics: unknown metric '" + w + "' (fvd-toy, fid-toy, fvd, fid, is, clipsim, cut)");
            }
        }
        if ((which.contains("fvd") || which.contains("fid") || which.contains("fvd-toy") || which.contains("fid-toy")) && real == null) {
            throw new IllegalArgumentException("FVD and FID (and their -toy forms) need --real DIR");
        }
        if (which.contains("clipsim") && prompts == null) {
            throw new IllegalArgumentException("CLIPSIM needs --prompts FILE");
        }
        int clipLength = frames != null ? frames : defaultClipLength();
        VideoFolderFeatures.Options opts = new VideoFolderFeatures.Options(clipLength, frameStep, clipsPerVideo, maxClips);
        FeatureCache featureCache = "none".equals(cache) ? null : new FeatureCache(Path.of(cache));
        List<MetricResult> results = new ArrayList<>();
        VideoFolderFeatures gen = VideoFolderFeatures.scan(generated, opts, recursive, EvalCommand::warn);
        VideoFolderFeatures ref = real == null ? null : VideoFolderFeatures.scan(real, opts, recursive, EvalCommand::warn);
        System.err.println("generated: " + gen.clipCount() + " clips from " + gen.videos().size() + " videos"
                + (ref == null ? "" : "; real: " + ref.clipCount() + " clips from " + ref.videos().size() + " videos"));
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] genI3d = null;
            String i3dName = null;
            if (which.contains("fvd") || (which.contains("is") && isClassifier == null)) {
                try (FeatureDetector i3d = Detectors.i3d(i3dWeights, detectorsDir, randomDetectors, seed, randomResolution)) {
                    i3dName = i3d.name();
                    genI3d = gen.features(i3d, featureCache, batch, m);
                    if (which.contains("fvd")) {
                        double[][] realI3d = ref.features(i3d, featureCache, batch, m);
                        results.add(FVD.fromFeatures(i3d, genI3d, realI3d, clipLength, true));
                    }
                    if (which.contains("is")) {
                        results.add(inceptionScore(i3d, genI3d, clipLength));
                    }
                }
            }
            if (which.contains("is") && isClassifier != null) {
                try (FeatureDetector c = TorchScriptDetector.load(isClassifier, FeatureDetector.Input.CLIPS, 0, isResolution)) {
                    results.add(inceptionScore(c, gen.features(c, featureCache, batch, m), clipLength));
                }
            }
            if (which.contains("fid")) {
                try (FeatureDetector inc = Detectors.inception(inceptionWeights, detectorsDir, randomDetectors, seed, randomResolution)) {
                    double[][] g = gen.features(inc, featureCache, batch, m);
                    double[][] r = ref.features(inc, featureCache, batch, m);
                    results.add(FID.fromFeatures(inc, g, r, clipLength));
                }
            }
            if (which.contains("fvd-toy")) {
                try (FeatureDetector toy = ToyDetector.load(toyFile(), FeatureDetector.Input.CLIPS)) {
                    results.add(FVD.fromFeatures(toy, gen.features(toy, featureCache, batch, m), ref.features(toy, featureCache, batch, m), clipLength, true));
                }
            }
            if (which.contains("fid-toy")) {
                try (FeatureDetector toy = ToyDetector.load(toyFile(), FeatureDetector.Input.FRAMES)) {
                    results.add(FID.fromFeatures(toy, gen.features(toy, featureCache, batch, m), ref.features(toy, featureCache, batch, m), clipLength));
                }
            }
            if (which.contains("clipsim")) {
                results.add(clipsim(gen, m));
            }
            if (which.contains("cut")) {
                // the share of consecutive frame pairs that jump to another scene, for the real clips too as the floor
                CutRate.Result g = gen.cutRate();
                results.add(new MetricResult("cut rate", g.rate(), Double.NaN, g.pairs(), 0, clipLength, "frame pairs: luma or histogram jump"));
                if (ref != null) {
                    CutRate.Result r = ref.cutRate();
                    results.add(new MetricResult("cut rate (real)", r.rate(), Double.NaN, 0, r.pairs(), clipLength, "frame pairs: luma or histogram jump"));
                }
            }
        }
        System.out.print(MetricTable.format(results));
        JsonObject settings = new JsonObject();
        settings.addProperty("generated", generated.toString());
        settings.addProperty("real", real == null ? null : real.toString());
        settings.addProperty("clip_length", clipLength);
        settings.addProperty("frame_step", frameStep);
        settings.addProperty("clips_per_video", clipsPerVideo);
        settings.addProperty("max_clips", maxClips);
        settings.addProperty("random_detectors", randomDetectors);
        settings.addProperty("seed", seed);
        MetricTable.write(out, results, settings);
        System.err.println("wrote " + out + ".csv and " + out + ".json");
        return 0;
    }

    /** The --validate table: the held-out real clips at the toy size against distorted copies of themselves. */
    private int validateMetrics() throws Exception {
        if (real == null) {
            throw new IllegalArgumentException("--validate needs --real DIR (the clips to distort)");
        }
        org.videoldm.train.Scale scale = org.videoldm.train.Scale.current();
        Path rules = holdout != null ? holdout : org.videoldm.data.DataSources.projectRoot().resolve(org.videoldm.train.stages.StageSettings.DEFAULT_HOLDOUT);
        org.videoldm.data.HoldOut h = holdout == null && !java.nio.file.Files.isRegularFile(rules) ? org.videoldm.data.HoldOut.none()
                : org.videoldm.data.HoldOut.read(rules);
        org.videoldm.data.ClipDataset ds = org.videoldm.data.ClipDataset.scan(scale.clipOptions(seed).withFlip(false).withRandomCrop(false), h, real);
        org.videoldm.data.ClipSource held = ds.validation();
        int n = maxClips > 0 ? Math.min(maxClips, held.size()) : held.size();
        if (n < 4) {
            throw new IllegalArgumentException(real + ": only " + held.size() + " held-out clips under the hold-out rules (" + rules + "); need at least 4");
        }
        List<List<org.videoldm.data.RgbFrame>> clips = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clips.add(held.clip((int) ((long) i * held.size() / n)).frameList());
        }
        System.err.println("validation: " + n + " held-out clips of " + ds.validationVideos().size() + " videos ("
                + ds.validationVideos().stream().map(org.videoldm.data.VideoScan.Entry::id).toList() + "), " + scale.frames() + " frames at "
                + scale.height() + "x" + scale.width());
        java.util.Map<String, FeatureDetector> dets = new java.util.LinkedHashMap<>();
        List<FeatureDetector> open = new ArrayList<>();
        try {
            if (java.nio.file.Files.isRegularFile(toyFile())) {
                open.add(ToyDetector.load(toyFile(), FeatureDetector.Input.CLIPS));
                dets.put("FVD-toy", open.get(open.size() - 1));
                open.add(ToyDetector.load(toyFile(), FeatureDetector.Input.FRAMES));
                dets.put("FID-toy", open.get(open.size() - 1));
            } else {
                System.err.println("no toy network at " + toyFile() + ": FVD-toy and FID-toy left out (train it: ./videoldm train detector)");
            }
            int res = randomResolution != null ? randomResolution : 64;
            open.add(Detectors.i3d(i3dWeights, detectorsDir, true, seed, res));
            FeatureDetector i3d = open.get(open.size() - 1);
            dets.put(i3d.metricName("FVD"), i3d);
            try (NDManager m = NDManager.newBaseManager()) {
                org.videoldm.eval.MetricValidation.Result r = org.videoldm.eval.MetricValidation.run(clips, dets, seed, batch, m,
                        row -> System.out.println(row.line()));
                for (String metric : dets.keySet()) {
                    System.out.println("monotonic " + metric + ": " + r.monotonic(metric));
                }
                String primary = dets.containsKey("FVD-toy") ? "FVD-toy" : dets.keySet().iterator().next();
                System.out.println("monotonic: " + r.monotonic(primary));
                StringBuilder csv = new StringBuilder("corruption,strength,metric,value\n");
                r.rows().forEach(row -> csv.append(String.format(java.util.Locale.ROOT, "%s,%d,%s,%.6f%n", row.corruption(), row.strength(), row.metric(), row.value())));
                Path file = Path.of(out + "-validation.csv");
                if (file.getParent() != null) {
                    java.nio.file.Files.createDirectories(file.getParent());
                }
                java.nio.file.Files.writeString(file, csv.toString());
                System.err.println("wrote " + file);
            }
        } finally {
            open.forEach(FeatureDetector::close);
        }
        return 0;
    }

    private Path toyFile() {
        return toyNetwork != null ? toyNetwork
                : org.videoldm.data.DataSources.projectRoot().resolve(org.videoldm.pipeline.CheckpointFolder.SHIPPED_TOY).resolve("fvd_toy.safetensors");
    }

    private static void warn(String w) {
        System.err.println(w.startsWith("warning") ? w : "warning: " + w);
    }

    private List<String> defaults() {
        List<String> d = new ArrayList<>();
        if (real != null) {
            if (java.nio.file.Files.isRegularFile(toyFile())) {
                d.addAll(List.of("fvd-toy", "fid-toy"));
            }
            if (randomDetectors || java.nio.file.Files.isRegularFile(detectorsDir.resolve(Detectors.I3D_FILE)) || i3dWeights != null) {
                d.addAll(List.of("fvd", "is"));
            }
            if (randomDetectors || java.nio.file.Files.isRegularFile(detectorsDir.resolve(Detectors.INCEPTION_FILE)) || inceptionWeights != null) {
                d.add("fid");
            }
        }
        if (prompts != null) {
            d.add("clipsim");
        }
        d.add("cut");
        return d;
    }

    /** The (logits) features of the generated clips as an Inception Score; the cached I3D features are its logits. */
    private MetricResult inceptionScore(FeatureDetector classifier, double[][] logits, int clipLength) {
        // A split of a handful of samples has a score near 1 whatever the model: keep at least 10 per split.
        int splits = Math.max(1, Math.min(isSplits, logits.length / 10));
        if (splits < isSplits) {
            warn("IS over " + logits.length + " clips uses " + splits + " split(s) instead of " + isSplits);
        }
        double[] ms = InceptionScore.fromLogits(logits, splits);
        return new MetricResult(classifier.metricName("IS"), ms[0], ms[1], logits.length, 0, clipLength, classifier.name());
    }

    private MetricResult clipsim(VideoFolderFeatures gen, NDManager m) throws IOException {
        List<String> byVideo = promptsFor(gen.videos());
        try (CLIPSim sim = CLIPSim.load(clipDir)) {
            double sum = 0;
            for (int i = 0; i < gen.videos().size(); i++) {
                try (NDManager scope = m.newSubManager()) {
                    NDArray clips = gen.clips(gen.videos().get(i), scope);
                    sum += sim.videoScore(clips.get(new NDIndex("0")), byVideo.get(i), batch);
                }
            }
            return new MetricResult(sim.metricName(), sum / gen.videos().size(), Double.NaN, gen.videos().size(), 0, frames, sim.name());
        }
    }

    private List<String> promptsFor(List<VideoFolderFeatures.VideoClips> videos) throws IOException {
        String text = Files.readString(prompts);
        List<String> out = new ArrayList<>();
        if (prompts.toString().endsWith(".json")) {
            JsonObject map = JsonParser.parseString(text).getAsJsonObject();
            for (VideoFolderFeatures.VideoClips v : videos) {
                String name = v.path().getFileName().toString();
                if (!map.has(name)) {
                    throw new IllegalArgumentException(prompts + ": no prompt for " + name);
                }
                out.add(map.get(name).getAsString());
            }
            return out;
        }
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (!lines.isEmpty() && lines.get(0).contains("\t")) {
            Map<String, String> map = new java.util.HashMap<>();
            for (String l : lines) {
                String[] kv = l.split("\t", 2);
                map.put(kv[0].trim(), kv.length > 1 ? kv[1] : "");
            }
            for (VideoFolderFeatures.VideoClips v : videos) {
                String p = map.get(v.path().getFileName().toString());
                if (p == null) {
                    throw new IllegalArgumentException(prompts + ": no line for " + v.path().getFileName());
                }
                out.add(p);
            }
            return out;
        }
        if (lines.size() != videos.size()) {
            throw new IllegalArgumentException(prompts + ": " + lines.size() + " prompts for " + videos.size() + " videos (one per line, in sorted video order)");
        }
        return lines;
    }
}
