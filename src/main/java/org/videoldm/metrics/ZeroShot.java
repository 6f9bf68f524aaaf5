package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * Zero-shot classification with a CLIP model, as in the CLIP paper: each class is described by prompts, the class's
 * embedding is the mean of its prompts' L2-normalised text embeddings (normalised again), and an image is given the
 * class of highest cosine. No classifier is trained: a model that scores "a road at night" above "a road in daylight"
 * on night frames has learnt what the words mean.
 */
public final class ZeroShot {
    /**
     * An attribute to classify: its classes in label order, each with its prompts.
     *
     * @param name label name ({@code time_of_day}, ...)
     * @param classes class names in the order of the labels' indices
     * @param prompts per class, the prompts that describe it
     */
    public record Attribute(String name, List<String> classes, List<List<String>> prompts) {
        public Attribute {
            if (classes.size() != prompts.size() || classes.size() < 2) {
                throw new IllegalArgumentException("zero-shot attribute " + name + ": need prompts for each of at least two classes");
            }
        }
    }

    /**
     * Time of day, weather and traffic of the procedural driving scenes, in the order of their labels (day, dusk, night;
     * clear, rain, fog; no car, 1-2 cars, 3-4 cars). The prompts are short phrases, not the training captions' sentences.
     */
    public static List<Attribute> driving() {
        return List.of(
                new Attribute("time_of_day", List.of("day", "dusk", "night"), List.of(
                        List.of("a road in daylight", "driving during the day"),
                        List.of("a road at dusk", "driving at sunset"),
                        List.of("a road at night", "driving in the dark"))),
                new Attribute("weather", List.of("clear", "rain", "fog"), List.of(
                        List.of("a road in clear weather", "driving under a clear sky"),
                        List.of("a road in the rain", "driving in rainy weather"),
                        List.of("a road in fog", "driving through the fog"))),
                new Attribute("traffic", List.of("none", "1-2 cars", "3-4 cars"), List.of(
                        List.of("an empty road with no other cars", "no other traffic"),
                        List.of("one car ahead on the road", "light traffic"),
                        List.of("heavy traffic on the road", "several cars ahead"))));
    }

    private ZeroShot() {}

    /** One class embedding [D] from its prompts' text embeddings [P, D]: mean of the normalised rows, normalised. */
    public static NDArray classEmbedding(NDArray promptEmbeds) {
        NDArray mean = CLIPSim.l2normalize(promptEmbeds).mean(new int[] {0}, true);
        return CLIPSim.l2normalize(mean).squeeze(0);
    }

    /** Class embeddings [K, D] from each class's prompt embeddings. */
    public static NDArray classEmbeddings(List<NDArray> perClass) {
        NDList rows = new NDList();
        perClass.forEach(p -> rows.add(classEmbedding(p)));
        return NDArrays.stack(rows, 0);
    }

    /** The class of highest cosine for each image: imageEmbeds [N, D], classEmbeds [K, D] give N class indices. */
    public static int[] predict(NDArray imageEmbeds, NDArray classEmbeds) {
        NDArray cos = CLIPSim.l2normalize(imageEmbeds).matMul(CLIPSim.l2normalize(classEmbeds).transpose());
        return cos.argMax(1).toType(DataType.INT32, false).toIntArray();
    }

    /** Share of predictions equal to their label, over the labels that are not -1 (NaN when none is). */
    public static double accuracy(int[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("zero-shot: " + predicted.length + " predictions for " + labels.length + " labels");
        }
        int right = 0;
        int used = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                used++;
                right += predicted[i] == labels[i] ? 1 : 0;
            }
        }
        return used == 0 ? Double.NaN : right / (double) used;
    }
}
