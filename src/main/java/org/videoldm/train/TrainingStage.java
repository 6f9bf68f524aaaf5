package org.videoldm.train;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Module;

/**
 * One thing to train (image pre-training, temporal alignment, decoder fine-tuning, ...): the module whose
 * trainable parameters ({@link Module#setTrainable}) the trainer updates, how a micro-batch is chosen, and its
 * loss. All randomness must come from the {@link StepContext} so that training resumes exactly.
 *
 * @param <B> the batch type
 */
public interface TrainingStage<B> {
    Module module();

    /** The micro-batch for this context (e.g. dataset indices from {@link DataOrder} and ctx.step()). */
    B batch(StepContext ctx);

    /** The scalar loss to minimise; arrays belong in {@code ctx.manager()}. */
    NDArray loss(B batch, StepContext ctx);
}
