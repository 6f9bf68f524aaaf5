package org.videoldm.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * Reads videos: H.264 MP4/MOV through JCodec, animated GIF through ImageIO, folders of PNG/JPEG
 * frames, and, only if an {@code ffmpeg} executable is on the PATH, whatever else ffmpeg reads.
 * Anything unreadable raises a {@link VideoDecodeException} naming the file, what it holds and the
 * ffmpeg command that converts it.
 */
public final class VideoReader {
    private static final VideoReader ON_PATH = new VideoReader(FfmpegDecoder.locate(System.getenv("PATH")).orElse(null));

    private final Path ffmpeg;

    private VideoReader(Path ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    /**
     * JCodec and ImageIO, plus ffmpeg if it is on the PATH. The system property {@code videoldm.ffmpeg} overrides the
     * lookup: {@code off} never runs ffmpeg, a path names the executable to use.
     */
    public static VideoReader standard() {
        String setting = System.getProperty("videoldm.ffmpeg");
        if (setting == null || setting.isBlank()) {
            return ON_PATH;
        }
        return setting.equals("off") ? new VideoReader(null) : new VideoReader(Path.of(setting));
    }

    /** Never runs an external program. */
    public static VideoReader pureJava() {
        return new VideoReader(null);
    }

    public static VideoReader withFfmpeg(Path ffmpegExecutable) {
        return new VideoReader(ffmpegExecutable);
    }

    public Optional<Path> ffmpeg() {
        return Optional.ofNullable(ffmpeg);
    }

    /**
     * Reads the headers. Files whose container is understood but whose codec is not come back with
     * {@link VideoInfo#problem()} set; files that are not videos at all, or are cut short, throw.
     */
    public VideoInfo probe(Path path) {
        VideoInfo info = probeOwn(path);
        if (!info.decodable() && ffmpeg != null && info.width() > 0) {
            return info.withDecoder("ffmpeg", "pure-Java decoding impossible (" + info.problem() + "); ffmpeg decodes it");
        }
        return info;
    }

    private VideoInfo probeOwn(Path path) {
        Container c = Container.sniff(path);
        return switch (c) {
            case FRAME_FOLDER -> FrameFolder.probe(path);
            case MP4, MOV -> Mp4Index.open(path, c).info;
            case GIF -> GifReader.probe(path);
            case AVI -> AviHeader.probe(path);
            case MATROSKA, MPEG_TS, MPEG_PS, FLV -> new VideoInfo(path, c.label, null, null, 0, 0, Double.NaN, 0, Double.NaN, null,
                    "the " + c.label + " container is not read in pure Java (MP4 with H.264, GIF and frame folders are)", List.of());
            case TEXT -> throw notVideo(path, c, "not a video: the file holds text (\"" + Container.preview(path) + "\")");
            case EMPTY -> throw notVideo(path, c, "not a video: the file is empty");
            case PNG, JPEG -> throw notVideo(path, c, "a single image, not a video (put frames in a folder to read them as one)");
            case UNKNOWN -> throw notVideo(path, c, "not a video: unrecognised content (first bytes \"" + Container.preview(path) + "\")");
        };
    }

    private static VideoDecodeException notVideo(Path path, Container c, String reason) {
        return new VideoDecodeException(path, reason, Mp4Index.bareInfo(path, c, null, null, reason));
    }

    /**
     * Decodes the video and hands the frames that {@code wanted} accepts (by presentation index) to
     * {@code visitor}, in presentation order. Frames are not kept, so any length fits in memory.
     *
     * @return the number of frames the video presents
     */
    public int forEachFrame(Path path, IntPredicate wanted, FrameVisitor visitor) {
        return forEachFrame(path, Integer.MAX_VALUE, wanted, visitor);
    }

    /** As {@link #forEachFrame(Path, IntPredicate, FrameVisitor)}, stopping after {@code limit} frames. */
    public int forEachFrame(Path path, int limit, IntPredicate wanted, FrameVisitor visitor) {
        VideoInfo info = probe(path).requireDecodable();
        return switch (info.decoder()) {
            case "jcodec" -> H264Mp4Decoder.forEachFrame(Mp4Index.open(path, Container.sniff(path)), limit, wanted, visitor);
            case "imageio" -> info.container().equals(Container.GIF.label)
                    ? GifReader.forEachFrame(path, limit, wanted, visitor)
                    : FrameFolder.forEachFrame(path, limit, wanted, visitor);
            case "ffmpeg" -> FfmpegDecoder.forEachFrame(ffmpeg, info, limit, wanted, visitor);
            default -> throw new IllegalStateException("unknown decoder " + info.decoder());
        };
    }

    /**
     * Counts the frames a player would show, converting none to RGB: MP4 and GIF frames are all
     * decoded (which also proves they decode); a frame folder's images are only counted.
     */
    public int countFrames(Path path) {
        return forEachFrame(path, i -> false, (i, t, f) -> { });
    }

    /** All frames at full size. A 1080p frame takes 6 MB: prefer {@link #read(Path, UnaryOperator)} to shrink as you go. */
    public Video read(Path path) {
        return read(path, UnaryOperator.identity());
    }

    /** All frames, each passed through {@code transform} (e.g. a resize) as soon as it is decoded. */
    public Video read(Path path, UnaryOperator<RgbFrame> transform) {
        return readFirst(path, Integer.MAX_VALUE, transform);
    }

    /** The first {@code count} frames (fewer if the video is shorter), decoding no further. */
    public Video readFirst(Path path, int count, UnaryOperator<RgbFrame> transform) {
        VideoInfo info = probe(path);
        List<RgbFrame> frames = new ArrayList<>();
        forEachFrame(path, count, i -> true, (i, t, f) -> frames.add(transform.apply(f)));
        return new Video(path.toString(), frames, info.fps());
    }
}
