package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.videoldm.nn.Ops;
import org.videoldm.temporal.Frames;

/**
 * The losses of temporal decoder fine-tuning, after the reference's {@code GeneralLPIPSWithDiscriminator}
 * with a video discriminator: a reconstruction term (L1 or L2, plus LPIPS when its weights are given), the
 * hinge loss for the discriminator, and the generator's adversarial term {@code -mean(D(fake))}. The
 * adversarial weight is fixed here (the reference's adaptive weight needs a second backward pass).
 *
 * @param l1 L1 (true, the reference's) or L2 pixel loss
 * @param perceptualWeight weight of the LPIPS term; ignored when {@code lpips} is null
 * @param discriminatorWeight weight of the generator's adversarial term
 */
public record VideoDiscriminatorLoss(boolean l1, Lpips lpips, double perceptualWeight, double discriminatorWeight) {

    /** L1 reconstruction, no perceptual term, adversarial weight 0.5. */
    public static VideoDiscriminatorLoss defaults() {
        return new VideoDiscriminatorLoss(true, null, 1.0, 0.5);
    }

    /** Mean L1 or L2 distance over all elements. */
    public NDArray reconstruction(NDArray inputs, NDArray reconstructions) {
        NDArray d = inputs.sub(reconstructions);
        return (l1 ? d.abs() : d.square()).mean();
    }

    /** Reconstruction plus the weighted LPIPS distance per frame (when LPIPS weights were given); frames as {@code (b t) c h w}. */
    public NDArray reconstructionWithPerceptual(NDArray inputs, NDArray reconstructions) {
        NDArray rec = reconstruction(inputs, reconstructions);
        if (lpips == null || perceptualWeight == 0) {
            return rec;
        }
        return rec.add(Ops.scale(lpips.forward(inputs, reconstructions).mean(), (float) perceptualWeight));
    }

    /** The reference's {@code hinge_d_loss}: 0.5 * (mean(relu(1 - D(real))) + mean(relu(1 + D(fake)))). */
    public static NDArray hingeDiscriminator(NDArray logitsReal, NDArray logitsFake) {
        NDArray real = Activation.relu(logitsReal.neg().add(1f)).mean();
        NDArray fake = Activation.relu(logitsFake.add(1f)).mean();
        return Ops.scale(real.add(fake), 0.5f);
    }

    /** The generator's adversarial loss: -mean(D(fake)). */
    public static NDArray generatorAdversarial(NDArray logitsFake) {
        return logitsFake.mean().neg();
    }

    /** The decoder's loss for one step: reconstruction (+ LPIPS) + weight * adversarial on the reconstructed clips. */
    public NDArray generator(NDArray inputs, NDArray reconstructions, Discriminator3D d, int frames) {
        NDArray adversarial = generatorAdversarial(d.forwardFrames(reconstructions, frames));
        return reconstructionWithPerceptual(inputs, reconstructions).add(Ops.scale(adversarial, (float) discriminatorWeight));
    }

    /** The discriminator's loss for one step; the reconstructions are detached so only the discriminator learns. */
    public static NDArray discriminator(NDArray inputs, NDArray reconstructions, Discriminator3D d, int frames) {
        NDArray real = d.forward(Frames.toVideo(inputs.stopGradient(), frames));
        NDArray fake = d.forward(Frames.toVideo(reconstructions.stopGradient(), frames));
        return hingeDiscriminator(real, fake);
    }
}
