package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.function.UnaryOperator;

/** The {@code hidden_act} values CLIP checkpoints use. */
final class CLIPActivation {
    private CLIPActivation() {}

    static UnaryOperator<NDArray> of(String name) {
        return switch (name) {
            // OpenAI's CLIP was trained with this sigmoid approximation, so its checkpoints need it.
            case "quick_gelu" -> x -> x.mul(Activation.sigmoid(x.mul(1.702f)));
            case "gelu" -> Activation::gelu;
            case "gelu_new", "gelu_pytorch_tanh" -> x -> {
                NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
                return x.mul(0.5f).mul(inner.tanh().add(1f));
            };
            case "relu" -> Activation::relu;
            default -> throw new IllegalArgumentException("CLIP config: hidden_act '" + name + "' is not supported (quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu)");
        };
    }
}
