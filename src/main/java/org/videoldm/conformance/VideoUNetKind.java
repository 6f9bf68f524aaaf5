package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;

/**
 * sgm's {@code VideoUNet}: forward(x, timesteps, context, y, num_video_frames, image_only_indicator[, time_context]).
 * Each expected output {@code out.output<suffix>} is computed with the indicator input
 * {@code in.image_only_indicator<suffix>} (or none when the fixture has no such input).
 */
final class VideoUNetKind implements FixtureKind {
    private static final String OUTPUT = "out.output";
    private static final String INDICATOR = "image_only_indicator";

    @Override
    public String name() {
        return "VideoUNet";
    }

    @Override
    public boolean accepts(Fixture f) {
        return f.reference().endsWith("video_model:VideoUNet");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        VideoUNet unet = new VideoUNet(m, VideoUNetConfig.fromJson(f.kwargs()));
        StateDict.load(unet, f.weights(), "");
        JsonElement frames = f.constant("num_video_frames");
        if (frames == null) {
            throw new IllegalArgumentException(f.dir() + "/config.json: call.constants.num_video_frames is missing");
        }
        NDArray context = f.hasInput("context") ? f.input("context") : null;
        NDArray y = f.hasInput("y") ? f.input("y") : null;
        NDArray timeContext = f.hasInput("time_context") ? f.input("time_context") : null;
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : f.expected().keySet()) {
            if (!name.startsWith(OUTPUT)) {
                continue;
            }
            String indicatorName = INDICATOR + name.substring(OUTPUT.length());
            NDArray indicator = f.hasInput(indicatorName) ? f.input(indicatorName) : null;
            out.put(name, unet.forward(f.input("x"), f.input("timesteps"), context, y, frames.getAsInt(), indicator, timeContext));
        }
        return out;
    }
}
