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

    /** The clip's caption, or null (sources without captions, and unconditional stages, never ask). */
    default String caption(int index) {
        return null;
    }

    /** {@code source} with the captions of {@code captions} by clip id. */
    static ClipSource captioned(ClipSource source, ClipCaptions captions) {
        return new ClipSource() {
            @Override
            public int size() {
                return source.size();
            }

            @Override
            public String clipId(int index) {
                return source.clipId(index);
            }

            @Override
            public Clip clip(int index, long augmentSeed) {
                return source.clip(index, augmentSeed);
            }

            @Override
            public String caption(int index) {
                return captions.caption(source.clipId(index));
            }
        };
    }

    /** The clips whose ids pass {@code keep}, in order (e.g. one data source's: ids start with its folder's name). */
    static ClipSource filtered(ClipSource source, java.util.function.Predicate<String> keep) {
        int[] kept = java.util.stream.IntStream.range(0, source.size()).filter(i -> keep.test(source.clipId(i))).toArray();
        return new ClipSource() {
            @Override
            public int size() {
                return kept.length;
            }

            @Override
            public String clipId(int index) {
                return source.clipId(kept[index]);
            }

            @Override
            public Clip clip(int index, long augmentSeed) {
                return source.clip(kept[index], augmentSeed);
            }
        };
    }

    /** The data sources (first parts of the clip ids) present, in order of first appearance. */
    static java.util.List<String> groups(ClipSource source) {
        java.util.LinkedHashSet<String> g = new java.util.LinkedHashSet<>();
        for (int i = 0; i < source.size(); i++) {
            String id = source.clipId(i);
            g.add(id.contains("/") ? id.substring(0, id.indexOf('/')) : "");
        }
        return new java.util.ArrayList<>(g);
    }
}
