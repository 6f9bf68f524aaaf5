package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DiagonalGaussian;

/** sgm's {@code AutoencoderKL}: the encode path to mean/logvar and the decode path from z. */
final class AutoencoderKLKind implements FixtureKind {
    @Override
    public String name() {
        return "AutoencoderKL";
    }

    @Override
    public boolean accepts(Fixture f) {
        return f.reference().endsWith("autoencoder:AutoencoderKL");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        AutoencoderKL ae = AutoencoderKL.fromJson(m, f.kwargs());
        StateDict.load(ae, f.weights(), "");
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (f.hasInput("x")) {
            NDArray moments = ae.moments(f.input("x"));
            DiagonalGaussian post = new DiagonalGaussian(moments);
            out.put("out.encoder_output", ae.encoderOutput(f.input("x")));
            out.put("out.moments", moments);
            out.put("out.mean", post.mean());
            out.put("out.logvar", post.logvar());
        }
        if (f.hasInput("z")) {
            out.put("out.decoded", ae.decode(f.input("z")));
        }
        return out;
    }
}
