package org.videoldm.model.clip;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.function.UnaryOperator;

/** The {@code hidden_act} values CLIP checkpoints use. */
final class CLIPActivation {
    private CLIPActivation() {}

    static UnaryOperator<NDArray> of(String name) {
        return switch (name) {
            // OpenAI's CLIP was trained with this sigmoid approximation, so its checkpoints need it.
            case "quick_gelu" -> x -> x.mul(Activation.sigmoid(Ops.scale(x, 1.702f)));
            case "gelu" -> Activation::gelu;
            case "gelu_new", "gelu_pytorch_tanh" -> x -> {
                NDArray inner = Ops.scale(x.add(Ops.scale(Ops.power(x, 3f), 0.044715f)), (float) Math.sqrt(2.0 / Math.PI));
                return Ops.scale(x, 0.5f).mul(inner.tanh().add(1f));
            };
            case "relu" -> Activation::relu;
            default -> throw new IllegalArgumentException("CLIP config: hidden_act '" + name + "' is not supported (quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu)");
        };
    }
}
