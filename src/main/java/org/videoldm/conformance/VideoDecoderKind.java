package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.VideoDecoderConfig;

/** sgm's temporal {@code VideoDecoder} (any time_mode): forward(z, timesteps=T). */
final class VideoDecoderKind implements FixtureKind {
    @Override
    public String name() {
        return "VideoDecoder";
    }

    @Override
    public boolean accepts(Fixture f) {
        return f.reference().endsWith("temporal_ae:VideoDecoder");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        VideoDecoder decoder = new VideoDecoder(m, VideoDecoderConfig.fromJson(f.kwargs()));
        StateDict.load(decoder, f.weights(), "");
        JsonElement t = f.constant("timesteps");
        if (t == null) {
            throw new IllegalArgumentException(f.dir() + "/config.json: call.constants.timesteps (frames per video) is missing");
        }
        return Map.of("out.output", decoder.forward(f.input("z"), t.getAsInt()));
    }
}
