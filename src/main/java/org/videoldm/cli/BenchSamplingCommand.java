package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.data.DataSources;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.SamplingBatch;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.util.ProcessMemory;
import org.videoldm.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Videos per minute of the video LDM's sampler at several batch sizes, with peak memory and page faults. */
@Command(name = "sampling", mixinStandardHelpOptions = true,
        description = "Sampling throughput of the video LDM of a checkpoints folder (latents only, no decoding): videos per minute, "
                + "peak resident memory and minor page faults per network call, for each batch size.")
public final class BenchSamplingCommand implements Callable<Integer> {
    @Option(names = "--checkpoints", paramLabel = "DIR", description = "Folder of trained networks (default: checkpoints/toy of the project).")
    Path checkpoints;

    @Option(names = "--videos", defaultValue = "8", description = "Videos per setting (default ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--steps", defaultValue = "10", description = "Sampler steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "heun", description = "Sampler (default ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--batches", defaultValue = "1,2,4,0", split = ",",
            description = "Batch sizes to time; 0 is the choice by memory (default ${DEFAULT-VALUE}).")
    int[] batches;

    @Override
    public Integer call() {
        Path dir = checkpoints != null ? checkpoints : DataSources.projectRoot().resolve(CheckpointFolder.SHIPPED_TOY);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoints folder " + dir + " does not exist");
        }
        try (NDManager m = NDManager.newBaseManager()) {
            VideoLDMPipeline p = VideoLDMPipeline.load(dir, m).progress(Progress.Mode.QUIET);
            int frames = p.trainedFrames();
            int[] size = CheckpointFolder.of(dir).frameSize();
            Shape latent = p.latentShape(size[0], size[1]);
            VideoLDMPipeline.Options o = new VideoLDMPipeline.Options(sampler, steps, 0);
            System.out.printf(Locale.ROOT, "%s: %d videos of %d frames, latent %s, %s %d steps; auto batch here: %d%n", dir, videos, frames,
                    latent, sampler, steps, SamplingBatch.choose(videos, frames, latent, p.videoLdm().config().model_channels()));
            System.out.printf(Locale.ROOT, "%-6s %10s %12s %14s %16s%n", "batch", "seconds", "videos/min", "peak RSS MB", "faults/call");
            try (NDManager warm = m.newSubManager()) {
                p.sampleVideo(warm, 1, frames, latent, o.withSteps(1).withBatch(1), null);
            }
            for (int b : Arrays.stream(batches).distinct().toArray()) {
                int batch = b > 0 ? Math.min(b, videos) : SamplingBatch.choose(videos, frames, latent, p.videoLdm().config().model_channels());
                ProcessMemory.resetPeak();
                long faults = ProcessMemory.minorFaults();
                long t0 = System.nanoTime();
                try (NDManager s = m.newSubManager()) {
                    NDArray z = p.sampleVideo(s, videos, frames, latent, o.withBatch(batch), null);
                    z.toFloatArray(); // make sure the work is done
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                long calls = (long) ((videos + batch - 1) / batch) * steps * 2; // Heun: two network evaluations a step (bar the last)
                System.out.printf(Locale.ROOT, "%-6s %10.1f %12.2f %14d %16.0f%n", b == 0 ? batch + "*" : String.valueOf(batch), sec,
                        videos * 60 / sec, ProcessMemory.peakResidentMb(), (ProcessMemory.minorFaults() - faults) / (double) calls);
            }
            System.out.println("* chosen by memory; peak RSS includes the loaded networks");
            return 0;
        }
    }
}
