package org.videoldm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.videoldm.TestPaths;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.TensorInfo;

/**
 * The rebuilt fixture weights are the reference's, bit for bit: SHA-256 over every tensor (name, dtype, shape, raw
 * little-endian bytes, in name order) equals the digest of the weights file the reference wrote.
 */
class FixtureWeightsTest {
    @ParameterizedTest
    @CsvSource({
        "autoencoder_kl, weights.safetensors, 565a167e994af82a1f4c9884a1e53dec0173e2b340217e1f8855bd5ef5b17c6c",
        "clip_text, weights.safetensors, 2101aaed38106dacc65346bb151ab6adc9c2c5d53da5f2e51110552dda04b15d",
        "clip_text_projection, weights.safetensors, 4b7ceb1f3997bced1da2144b4ddcc0ee244b49061df041a121539a075afda0d2",
        "clip_vision, weights.safetensors, d7f2d51f29fcd6f6847c48f203a9e9e448478789dc5d870e3d0e94079f891a0a",
        "sd_pipeline, model.safetensors, e615038ccbee62fe5b439919ccad71e78045772f4119fef6b919130cd507b843",
        "unet2d, weights.safetensors, d9e80834c3e0df8aa1c03991e1e265313181afab0c6e0c3867ede58eccdd88ca",
        "video_decoder, weights.safetensors, 7e5b061bc0c2fa1859fad21efb603a61ed7abbfb7fb2867da09efbb70f4d16ab",
        "video_decoder_all, weights.safetensors, 96d21bc595135f1fa0c2683e329a4b733d779dfe1ca5cb702e5eb2e3fe5fe8e5",
        "video_unet, weights.safetensors, 049a674e033a887a9b01a728ab219dc13d4faf9d084a3aaf0a5d697f58fad711",
    })
    void rebuiltWeightsAreTheReferencesBitForBit(String fixture, String file, String sha256) throws Exception {
        Path weights = TestPaths.conformance().resolve(fixture).resolve(file);
        assertEquals(sha256, digest(weights), fixture);
    }

    @ParameterizedTest
    @CsvSource({"unet2d, d9e80834c3e0df8aa1c03991e1e265313181afab0c6e0c3867ede58eccdd88ca"})
    void aDifferentSeedGivesADifferentDigest(String fixture, String sha256) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture f = Fixture.load(TestPaths.conformance().resolve(fixture), m);
            Map<String, NDArray> other = FixtureWeights.draw(new org.videoldm.model.UNetModel(m, org.videoldm.model.UNetConfig.fromJson(f.kwargs())), 1, m);
            Path tmp = Files.createTempFile("fixture", ".safetensors");
            org.videoldm.io.SafetensorsWriter.write(tmp, other, Map.of());
            assertNotEquals(sha256, digest(tmp));
            Files.delete(tmp);
        }
    }

    static String digest(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            for (String k : new TreeSet<>(f.keys())) {
                TensorInfo info = f.info(k);
                NDArray a = f.get(k, m);
                StringBuilder shape = new StringBuilder();
                for (long s : a.getShape().getShape()) {
                    shape.append(shape.length() == 0 ? "" : ",").append(s);
                }
                d.update((k + "\0" + info.dtype().name() + "\0" + shape + "\0").getBytes(StandardCharsets.UTF_8));
                d.update(a.toByteArray());
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
