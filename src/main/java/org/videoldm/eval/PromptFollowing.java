package org.videoldm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.videoldm.data.RgbFrame;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.metrics.CutRate;
import org.videoldm.pipeline.TextToVideoPipeline;
import org.videoldm.util.Seeds;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Whether text-to-video samples follow their prompts, per group of prompts (day, night, rain, ...): the mean luma of the
 * samples (night prompts should give darker videos than day prompts), a prompt-video similarity with the sample's own
 * prompt against another group's prompt (CLIPSIM-toy), and the cut rate of the videos against the same prompts sampled
 * frame by frame. Every figure carries a percentile-bootstrap 95% interval over whole videos ({@link Bootstrap}).
 */
public final class PromptFollowing {
    private PromptFollowing() {}

    /** How well a video matches a prompt (e.g. CLIPSIM-toy); higher is closer. */
    @FunctionalInterface
    public interface Scorer {
        double score(List<RgbFrame> video, String prompt);
    }

    /** One generated video, its prompt and the prompt's group. */
    public record Sample(String group, String prompt, List<RgbFrame> video) {}

    /**
     * One group's figures.
     *
     * @param videos text-to-video samples of the group
     * @param luma their mean luma (0..255)
     * @param ownPrompt the score of each sample with its own prompt (NaN without a scorer)
     * @param otherPrompt the score with another group's prompt ({@link #otherPrompt})
     * @param cutRate the cut rate of the samples
     * @param frameByFrame samples of the same prompts and noise with the temporal layers mixed out
     * @param frameByFrameCutRate their cut rate
     */
    public record Row(String group, int videos, Ablations.Estimate luma, Ablations.Estimate ownPrompt, Ablations.Estimate otherPrompt,
            Ablations.Estimate cutRate, int frameByFrame, Ablations.Estimate frameByFrameCutRate) {
        /** The row on one line (the prompt scores left out when none were measured). */
        public String line() {
            String prompts = Double.isNaN(ownPrompt.value()) ? "" : "  own prompt " + ownPrompt.text() + "  other group's prompt " + otherPrompt.text();
            return String.format(Locale.ROOT, "%-10s %3d videos  mean luma %s%s  cut rate %s  | frame by frame: %3d videos, cut rate %s", group, videos,
                    luma.text(), prompts, cutRate.text(), frameByFrame, frameByFrameCutRate.text());
        }
    }

    private static final Ablations.Estimate NONE = new Ablations.Estimate(Double.NaN, Double.NaN, Double.NaN);

    /** BT.601 luma of the video, averaged over its frames and pixels (0..255). */
    public static double meanLuma(List<RgbFrame> video) {
        if (video.isEmpty()) {
            throw new IllegalArgumentException("mean luma of a video without frames");
        }
        return video.stream().mapToDouble(CutRate::meanLuma).average().orElseThrow();
    }

    /** The mean over videos of their mean luma, with its 95% interval over resampled videos. */
    public static Ablations.Estimate meanLuma(List<List<RgbFrame>> videos, int resamples, long seed) {
        return mean(videos.stream().mapToDouble(PromptFollowing::meanLuma).toArray(), resamples, seed);
    }

    /**
     * Mean luma of {@code a} minus that of {@code b}, with its 95% interval: both sets resampled independently (a
     * conservative interval when video i of both sets came from the same noise).
     */
    public static Ablations.Estimate lumaDifference(List<List<RgbFrame>> a, List<List<RgbFrame>> b, int resamples, long seed) {
        double[] x = a.stream().mapToDouble(PromptFollowing::meanLuma).toArray();
        double[] y = b.stream().mapToDouble(PromptFollowing::meanLuma).toArray();
        if (x.length == 0 || y.length == 0) {
            return NONE;
        }
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, 0x1D1FL));
        double[] draws = new double[resamples];
        for (int k = 0; k < resamples; k++) {
            draws[k] = average(Bootstrap.resample(x, rng)) - average(Bootstrap.resample(y, rng));
        }
        return Bootstrap.interval(average(x) - average(y), draws);
    }

    /**
     * The prompt sample {@code i} is compared against: that of the first sample after it (cyclically) from another
     * group, so every sample meets a prompt that describes something else; null when all samples share one group.
     */
    public static String otherPrompt(List<Sample> samples, int i) {
        for (int k = 1; k < samples.size(); k++) {
            Sample s = samples.get((i + k) % samples.size());
            if (!s.group().equals(samples.get(i).group())) {
                return s.prompt();
            }
        }
        return null;
    }

    /** Per sample: {own prompt's score, other group's prompt's score} ({@link #otherPrompt}; NaN when there is none). */
    public static double[][] promptScores(List<Sample> samples, Scorer scorer) {
        double[][] out = new double[samples.size()][];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            String other = otherPrompt(samples, i);
            out[i] = new double[] {scorer.score(s.video(), s.prompt()), other == null ? Double.NaN : scorer.score(s.video(), other)};
        }
        return out;
    }

    /**
     * One row per group in order of first appearance, then "all": {@code videos} are the text-to-video samples,
     * {@code frameByFrame} the same prompts with the temporal layers mixed out (may be empty); {@code scorer} may be null
     * (the prompt columns are then NaN).
     */
    public static List<Row> rows(List<Sample> videos, List<Sample> frameByFrame, Scorer scorer, int resamples, long seed) {
        double[][] scores = scorer == null ? null : promptScores(videos, scorer);
        List<String> groups = new ArrayList<>(groups(videos));
        groups.add("all");
        List<Row> rows = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            String group = groups.get(g);
            List<Integer> idx = indices(videos, group);
            List<List<RgbFrame>> clips = idx.stream().map(i -> videos.get(i).video()).toList();
            List<List<RgbFrame>> images = videos(frameByFrame, group);
            long rowSeed = Seeds.derive(seed, g);
            Ablations.Estimate own = NONE;
            Ablations.Estimate other = NONE;
            if (scores != null && !idx.isEmpty()) {
                own = mean(idx.stream().mapToDouble(i -> scores[i][0]).toArray(), resamples, rowSeed);
                double[] o = idx.stream().mapToDouble(i -> scores[i][1]).toArray();
                other = Arrays.stream(o).anyMatch(Double::isNaN) ? NONE : mean(o, resamples, rowSeed);
            }
            rows.add(new Row(group, clips.size(), clips.isEmpty() ? NONE : meanLuma(clips, resamples, rowSeed), own, other,
                    clips.isEmpty() ? NONE : Ablations.cutRate(clips, resamples, rowSeed), images.size(),
                    images.isEmpty() ? NONE : Ablations.cutRate(images, resamples, rowSeed)));
        }
        return rows;
    }

    /** The rows as a table; {@code scoreName} names the prompt columns (e.g. CLIPSIM-toy), null when none was measured. */
    public static Table table(String title, List<Row> rows, String scoreName) {
        String score = scoreName == null ? "prompt score" : scoreName;
        Table t = Table.create(title);
        t.addColumns(StringColumn.create("prompts"), IntColumn.create("videos"), StringColumn.create("mean luma [95% CI]"),
                StringColumn.create(score + " own prompt [95% CI]"), StringColumn.create(score + " other group's prompt [95% CI]"),
                StringColumn.create("cut rate [95% CI]"), IntColumn.create("frame-by-frame videos"), StringColumn.create("cut rate frame by frame [95% CI]"));
        for (Row r : rows) {
            t.stringColumn(0).append(r.group());
            t.intColumn(1).append(r.videos());
            t.stringColumn(2).append(r.luma().text());
            t.stringColumn(3).append(scoreName == null ? "skipped: no CLIP" : r.ownPrompt().text());
            t.stringColumn(4).append(scoreName == null ? "skipped: no CLIP" : r.otherPrompt().text());
            t.stringColumn(5).append(r.cutRate().text());
            t.intColumn(6).append(r.frameByFrame());
            t.stringColumn(7).append(r.frameByFrameCutRate().text());
        }
        return t;
    }

    /**
     * {@code perGroup} videos for every group, video j of a group from its prompt {@code j mod (prompts)}; every group
     * uses the same seeds, so video j of each group starts from the same noise and only the prompt differs. Guidance is
     * against the empty prompt.
     */
    public static List<Sample> generate(TextToVideoPipeline p, NDManager m, Map<String, List<String>> groups, int perGroup, int frames, int height,
            int width, TextToVideoPipeline.Options o) {
        List<Sample> out = new ArrayList<>();
        groups.forEach((group, prompts) -> {
            List<String> chosen = new ArrayList<>();
            for (int j = 0; j < perGroup; j++) {
                chosen.add(prompts.get(j % prompts.size()));
            }
            List<List<RgbFrame>> videos = p.generate(m, chosen, "", frames, height, width, o);
            for (int j = 0; j < perGroup; j++) {
                out.add(new Sample(group, chosen.get(j), videos.get(j)));
            }
        });
        return out;
    }

    /** CLIPSIM (the folder's toy CLIP: CLIPSIM-toy) of a video's frames with a prompt, as a {@link Scorer}. */
    public static Scorer clipSim(CLIPSim clip) {
        return (video, prompt) -> {
            RgbFrame first = video.get(0);
            ByteBuffer bytes = ByteBuffer.allocateDirect(video.size() * first.rgb().length);
            video.forEach(f -> bytes.put(f.rgb()));
            bytes.flip();
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray frames = m.create(bytes, new Shape(video.size(), first.height(), first.width(), 3), DataType.UINT8);
                return clip.videoScore(frames, prompt, 16);
            }
        };
    }

    /**
     * Which of two estimates is higher, or "no difference at this scale" where their 95% intervals overlap (or either is
     * missing), as a line: {@code what: A value [interval] vs B value [interval]: verdict}.
     */
    public static String verdict(String what, String aName, Ablations.Estimate a, String bName, Ablations.Estimate b) {
        String reading = Double.isNaN(a.value()) || Double.isNaN(b.value()) ? "not measured"
                : a.overlaps(b) ? "no difference at this scale (the intervals overlap)" : (a.value() > b.value() ? aName : bName) + " higher";
        return what + ": " + aName + " " + a.text() + " vs " + bName + " " + b.text() + ": " + reading;
    }

    /** The first sample of every prompt, in order. */
    public static List<Sample> firstPerPrompt(List<Sample> samples) {
        Map<String, Sample> first = new LinkedHashMap<>();
        samples.forEach(s -> first.putIfAbsent(s.prompt(), s));
        return new ArrayList<>(first.values());
    }

    /** The groups of the samples in order of first appearance. */
    public static List<String> groups(List<Sample> samples) {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        samples.forEach(s -> seen.put(s.group(), true));
        return new ArrayList<>(seen.keySet());
    }

    /** The videos of one group ("all": every video). */
    public static List<List<RgbFrame>> videos(List<Sample> samples, String group) {
        return samples.stream().filter(s -> group.equals("all") || s.group().equals(group)).map(Sample::video).toList();
    }

    private static List<Integer> indices(List<Sample> samples, String group) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (group.equals("all") || samples.get(i).group().equals(group)) {
                out.add(i);
            }
        }
        return out;
    }

    private static Ablations.Estimate mean(double[] values, int resamples, long seed) {
        return values.length == 0 ? NONE : Bootstrap.of(values, PromptFollowing::average, resamples, seed);
    }

    private static double average(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
