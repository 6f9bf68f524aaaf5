package org.videoldm.data;

/** Random access to clips; implementations are thread-safe so loaders can prefetch in parallel. */
public interface ClipSource {
    int size();

    /** The id {@link #clip} would give, without loading anything. */
    String clipId(int index);

    /**
     * The clip at {@code index}. {@code augmentSeed} decides random crops and flips where the source
     * applies them; the same seed gives the same clip.
     */
    Clip clip(int index, long augmentSeed);

    default Clip clip(int index) {
        return clip(index, 0L);
    }
}
