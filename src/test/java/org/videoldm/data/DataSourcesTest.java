package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
    @TempDir
    Path root;

    static final DataSources.Synthetic SMALL = new DataSources.Synthetic(3, 4, 32, 64, 5);

    @Test
    void syntheticIsMadeOnceAndDeterministically() throws Exception {
        Path a = DataSources.resolve("synthetic", root.resolve("a"), SMALL);
        assertEquals(root.resolve("a").resolve(DataSources.SYNTHETIC_DIR), a);
        assertTrue(DataSources.isSynthetic(a, SMALL));
        Path b = DataSources.resolve(null, root.resolve("b"), SMALL);
        VideoReader reader = VideoReader.standard();
        for (int i = 0; i < SMALL.clips(); i++) {
            String name = SyntheticDriving.clipName(i) + ".mp4";
            // the MP4 headers carry a creation time, so compare what the files show
            Video va = reader.read(a.resolve(name), f -> f);
            Video vb = reader.read(b.resolve(name), f -> f);
            assertEquals(SMALL.frames(), va.size(), name);
            for (int t = 0; t < va.size(); t++) {
                assertArrayEquals(va.frame(t).rgb(), vb.frame(t).rgb(), name + " frame " + t + " differs between two renderings");
            }
        }
        assertEquals(Files.readString(a.resolve("manifest.json")), Files.readString(b.resolve("manifest.json")));

        FileTime before = Files.getLastModifiedTime(a.resolve("clip_00000.mp4"));
        Files.setLastModifiedTime(a.resolve("clip_00000.mp4"), FileTime.fromMillis(before.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(a.resolve("clip_00000.mp4"));
        DataSources.resolve("synthetic", root.resolve("a"), SMALL);
        assertEquals(marked, Files.getLastModifiedTime(a.resolve("clip_00000.mp4")), "a matching folder is left alone");

        DataSources.Synthetic other = new DataSources.Synthetic(2, 4, 32, 64, 6);
        DataSources.resolve("synthetic", root.resolve("a"), other);
        assertTrue(DataSources.isSynthetic(a, other));
        assertTrue(!Files.exists(a.resolve("clip_00002.mp4")), "a different request replaces the folder as a whole");
        try (var list = Files.list(root.resolve("a").resolve("datasets"))) {
            assertEquals(1, list.count(), "no temporary folder left behind");
        }
    }

    @Test
    void foldersResolveAgainstTheProjectRoot() throws Exception {
        Files.createDirectories(root.resolve("videos"));
        assertEquals(root.resolve("videos"), DataSources.resolve("videos", root));
        assertEquals(root.resolve("videos"), DataSources.resolve(root.resolve("videos").toString(), Path.of("/elsewhere")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSources.resolve("missing", root));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("synthetic"), e.getMessage());
    }
}
