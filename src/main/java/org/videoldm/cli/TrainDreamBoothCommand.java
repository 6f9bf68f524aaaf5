package org.videoldm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.videoldm.train.stages.DreamBoothFinetuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dreambooth", mixinStandardHelpOptions = true, description = "Personalised text-to-video (DreamBooth): fine-tune the text-to-image "
        + "LDM of --checkpoints on a few frames of --subject bound to a rare-token prompt, with prior preservation on images the base model samples "
        + "from the class prompt; writes image_ldm and, when the folder has a text-conditioned video_ldm, a personalised video_ldm (its temporal "
        + "layers unchanged) to --out, with the autoencoder and text encoder, so --out samples on its own. Here --checkpoints defaults to "
        + "runs/checkpoints and --out to runs/checkpoints-dreambooth (they must differ); --batch counts instance frames (as many prior images join).")
public final class TrainDreamBoothCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--subject", required = true, paramLabel = "PATH", description = "The subject: a video, an image, or a folder of images, "
            + "videos and frame folders.")
    Path subject;

    @Option(names = "--instance-prompt", paramLabel = "TEXT", description = "The prompt bound to the subject, with a rare token (default: \"a sks road\").")
    String instancePrompt;

    @Option(names = "--class-prompt", paramLabel = "TEXT", description = "The subject's class, the prompt of the prior images (default: \"a road\").")
    String classPrompt;

    @Option(names = "--subject-frames", paramLabel = "N", description = "Frames taken from the subject, evenly spaced (default: 5).")
    Integer subjectFrames;

    @Option(names = "--prior-images", paramLabel = "N", description = "Images sampled from the class prompt for prior preservation "
            + "(default: 32 at toy scale, 200 at paper scale).")
    Integer priorImages;

    @Option(names = "--prior-weight", paramLabel = "L", description = "Weight lambda of the prior rows' loss (default: 1).")
    Double priorWeight;

    @Option(names = "--prior-steps", paramLabel = "N", description = "Sampling steps of the prior images (default: 25 at toy scale).")
    Integer priorSteps;

    @Option(names = "--prior-guidance", paramLabel = "G", description = "Guidance scale of the prior images and the preview (default: 5).")
    Double priorGuidance;

    @Option(names = "--eval-images", paramLabel = "N", description = "Images per prompt sampled before and after fine-tuning for the preview "
            + "and the subject similarity; 0: none (default: 4).")
    Integer evalImages;

    @Override
    public Integer call() {
        if (options.data != null) {
            throw new IllegalArgumentException("--data does not apply to dreambooth: it trains on --subject");
        }
        DreamBoothFinetuning.Settings s = options.apply(DreamBoothFinetuning.Settings.defaults(options.scale(), options.mode())).subject(subject);
        if (instancePrompt != null) {
            s.instancePrompt(instancePrompt);
        }
        if (classPrompt != null) {
            s.classPrompt(classPrompt);
        }
        if (subjectFrames != null) {
            s.subjectFrames(subjectFrames);
        }
        if (priorImages != null) {
            s.priorImages(priorImages);
        }
        if (priorWeight != null) {
            s.priorWeight(priorWeight);
        }
        if (evalImages != null) {
            s.evalImages(evalImages);
        }
        s.priorSampling(priorSteps != null ? priorSteps : s.priorSteps, priorGuidance != null ? priorGuidance : s.priorGuidance);
        return TrainOptions.report(new DreamBoothFinetuning(s).run(null));
    }
}
