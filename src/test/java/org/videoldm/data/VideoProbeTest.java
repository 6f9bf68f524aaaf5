package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Headers of every shared clip against ffprobe's facts (no pixel decoding: fast). */
class VideoProbeTest {
    private final VideoReader reader = VideoReader.pureJava();

    @Test
    void sourcesDocumentEveryVideoFile() throws IOException {
        Set<Path> documented = SharedClips.expected().keySet();
        for (String group : new String[] {"driving", "nondriving"}) {
            try (Stream<Path> files = Files.list(SharedClips.root().resolve(group))) {
                Set<Path> videos = files.filter(p -> !p.getFileName().toString().endsWith(".md")).collect(Collectors.toSet());
                assertFalse(videos.isEmpty());
                assertTrue(documented.containsAll(videos), "undocumented: " + videos.stream().filter(v -> !documented.contains(v)).toList());
            }
        }
        assertEquals(20, documented.size(), "10 originals and their 10 baseline copies expected in SOURCES.md");
    }

    @Test
    void headersMatchFfprobe() {
        for (Map.Entry<Path, SharedClips.Expected> e : SharedClips.expected().entrySet()) {
            SharedClips.Expected want = e.getValue();
            VideoInfo got = reader.probe(e.getKey());
            String what = want.file() + ": " + got.describe();
            assertEquals(want.frames(), got.frameCount(), what);
            assertEquals(want.width(), got.width(), what);
            assertEquals(want.height(), got.height(), what);
            assertEquals(want.container(), got.container(), what);
            assertEquals(want.codec(), got.codec(), what);
            if (want.codec().equals("h264")) {
                // ffprobe writes "High level 31", we write "High, level 3.1"
                assertTrue(want.profile().startsWith(got.profile().split(",")[0]), what);
            }
        }
    }

    @Test
    void frameRatesMatchFfprobe() {
        Path d = SharedClips.root().resolve("driving");
        Path n = SharedClips.root().resolve("nondriving");
        assertEquals(25, reader.probe(d.resolve("udacity_project_video_seg2.mp4")).fps(), 1e-9);
        assertEquals(30000.0 / 1001, reader.probe(d.resolve("udacity_p1_pr6_night.baseline.mp4")).fps(), 1e-9);
        assertEquals(30000.0 / 1001, reader.probe(d.resolve("udacity_p1_pr6_night.mp4")).fps(), 1e-9);
        assertEquals(8, reader.probe(d.resolve("yolop_input1.gif")).fps(), 1e-9);
        assertEquals(28, reader.probe(n.resolve("mmaction2_demo.mp4")).fps(), 1e-9);
        assertEquals(25, reader.probe(n.resolve("mmaction2_test_avi.avi")).fps(), 1e-9);
    }

    @Test
    void editListAndLateStartAreReported() {
        Path d = SharedClips.root().resolve("driving");
        VideoInfo seg2 = reader.probe(d.resolve("udacity_project_video_seg2.mp4"));
        assertTrue(seg2.notes().contains("edit list presents 139 of 148 coded frames"), seg2.describe());
        VideoInfo seg3 = reader.probe(d.resolve("udacity_project_video_seg3.mp4"));
        assertTrue(seg3.notes().contains("first frame at 0.200 s"), seg3.describe());
        assertEquals(7.0, seg3.durationSeconds(), 1e-3);
    }

    @Test
    void undecodableOriginalsStillReportWhatTheyHold() {
        Path avi = SharedClips.root().resolve("nondriving/mmaction2_test_avi.avi");
        VideoInfo info = reader.probe(avi);
        assertFalse(info.decodable());
        assertNull(info.decoder());
        assertEquals("avi", info.container());
        assertEquals("Advanced Simple Profile", info.profile());

        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> reader.read(avi));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(avi.toString() + ": "), msg);
        assertTrue(msg.contains("MPEG-4 Part 2"), msg);
        assertTrue(msg.contains("container avi, codec mpeg4, profile Advanced Simple Profile"), msg);
        String expectedCommand = "ffmpeg -i " + avi + " -c:v libx264 -profile:v baseline -pix_fmt yuv420p -an "
                + avi.resolveSibling("mmaction2_test_avi.baseline.mp4");
        assertTrue(msg.endsWith(expectedCommand), msg);

        Path night = SharedClips.root().resolve("driving/udacity_p1_pr6_night.mp4");
        VideoInfo n = reader.probe(night);
        assertEquals("Simple Profile", n.profile());
        assertTrue(assertThrows(VideoDecodeException.class, () -> reader.countFrames(night)).getMessage()
                .contains("container mp4, codec mpeg4, profile Simple Profile, 1920x1080"));
    }
}
