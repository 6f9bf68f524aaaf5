package org.videoldm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.mp4.AvcCBox;
import org.jcodec.codecs.mpeg4.mp4.EsdsBox;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.containers.mp4.boxes.Edit;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.SampleEntry;
import org.jcodec.containers.mp4.boxes.TrakBox;
import org.jcodec.containers.mp4.boxes.VideoSampleEntry;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * The video track of an MP4 file: codec, size, and for every coded sample (decode order) whether
 * and when it is shown. Samples are ordered by composition time, so B-frame streams come out in
 * presentation order, and the edit list is honoured like ffmpeg does: samples outside the edited
 * range are decoded (later frames may reference them) but not shown.
 */
final class Mp4Index {
    final Path path;
    final VideoInfo info;
    final int trackIndex;
    final int sampleCount;
    /** Presentation index of each decode-order sample, or -1 if the edit list hides it. */
    final int[] rank;
    /** Presentation time in seconds, by presentation index. */
    final double[] seconds;
    final SeqParameterSet sps;

    private Mp4Index(Path path, VideoInfo info, int trackIndex, int sampleCount, int[] rank, double[] seconds, SeqParameterSet sps) {
        this.path = path;
        this.info = info;
        this.trackIndex = trackIndex;
        this.sampleCount = sampleCount;
        this.rank = rank;
        this.seconds = seconds;
        this.sps = sps;
    }

    static Mp4Index open(Path path, Container container) {
        VideoInfo bare = bareInfo(path, container, null, null, "");
        Mp4TopLevel top;
        try {
            top = Mp4TopLevel.read(path);
        } catch (IOException e) {
            throw new VideoDecodeException(path, "cannot read the file: " + e.getMessage(), bare, e);
        }
        Mp4TopLevel.Box moov = top.find("moov");
        if (moov == null) {
            throw new VideoDecodeException(path, top.missingMoovReason(), bare);
        }
        if (moov.end() > top.fileSize()) {
            throw new VideoDecodeException(path, String.format(Locale.ROOT,
                    "truncated file: the movie header ('moov' box) at byte %d declares %d bytes, but the file ends after %d bytes",
                    moov.offset(), moov.size(), top.fileSize()), bare);
        }
        try (SeekableByteChannel ch = NIOUtils.readableChannel(path.toFile())) {
            return parse(path, container, top, MP4Demuxer.createMP4Demuxer(ch));
        } catch (IOException | RuntimeException e) {
            if (e instanceof VideoDecodeException v) {
                throw v;
            }
            throw new VideoDecodeException(path, "cannot parse the MP4 structure: " + e, bare, e);
        }
    }

    private static Mp4Index parse(Path path, Container container, Mp4TopLevel top, MP4Demuxer demuxer) throws IOException {
        List<AbstractMP4DemuxerTrack> tracks = demuxer.getTracks();
        AbstractMP4DemuxerTrack video = null;
        int trackIndex = -1;
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            TrakBox box = tracks.get(i).getBox();
            if (box.isVideo() && video == null) {
                video = tracks.get(i);
                trackIndex = i;
            } else if (box.isAudio()) {
                notes.add("audio track (" + tracks.get(i).getFourcc().strip() + ") ignored");
            }
        }
        if (video == null) {
            throw new VideoDecodeException(path, "no video track", bareInfo(path, container, null, null, ""));
        }

        SampleEntry entry = video.getSampleEntries()[0];
        String codec = CodecNames.fromFourcc(video.getFourcc());
        String profile = null;
        String problem = null;
        SeqParameterSet sps = null;
        int width = entry instanceof VideoSampleEntry v ? v.getWidth() : 0;
        int height = entry instanceof VideoSampleEntry v ? v.getHeight() : 0;
        if (width <= 0 || height <= 0) {
            // sample entries of codecs JCodec does not know are not parsed as visual entries; the track header has the size
            org.jcodec.containers.mp4.boxes.TrackHeaderBox tkhd = NodeBox.findFirst(video.getBox(), org.jcodec.containers.mp4.boxes.TrackHeaderBox.class, "tkhd");
            if (tkhd != null) {
                width = Math.round(tkhd.getWidth());
                height = Math.round(tkhd.getHeight());
            }
        }
        if (codec.equals("h264")) {
            AvcCBox avcC = NodeBox.findFirst(entry, AvcCBox.class, "avcC");
            if (avcC == null || avcC.getSpsList().isEmpty()) {
                problem = "H.264 track without parameter sets (no avcC box)";
            } else {
                sps = readSps(avcC.getSpsList().get(0));
                profile = CodecNames.h264Profile(sps.profileIdc, sps.constraintSet1Flag) + ", " + CodecNames.h264Level(sps.levelIdc);
                width = codedWidth(sps);
                height = codedHeight(sps);
                problem = h264Problem(sps);
            }
        } else {
            if (codec.equals("mpeg4")) {
                EsdsBox esds = NodeBox.findFirst(entry, EsdsBox.class, "esds");
                if (esds != null) {
                    codec = CodecNames.fromObjectType(esds.getObjectType());
                    ByteBuffer dsi = esds.getStreamInfo();
                    if (dsi != null) {
                        byte[] b = NIOUtils.toArray(dsi.duplicate());
                        profile = CodecNames.mpeg4ProfileFromStream(b, b.length);
                    }
                }
            }
            problem = (codec.equals("mpeg4") ? "MPEG-4 Part 2 video" : codec + " video") + " is not H.264, the only codec the pure-Java decoder (JCodec) reads";
        }

        // Sample table: composition time, duration and byte range of every coded frame.
        Mp4SampleTable table = Mp4SampleTable.of(video.getBox());
        long[] pts = table.pts();
        long[] dur = table.duration();
        int n = pts.length;
        for (int i = 0; i < n; i++) {
            if (table.end()[i] > top.fileSize()) {
                throw new VideoDecodeException(path, String.format(Locale.ROOT,
                        "truncated file: frame %d (in decode order) needs bytes up to %d, but the file ends after %d bytes",
                        i, table.end()[i], top.fileSize()), bareInfo(path, container, codec, profile, ""));
            }
        }

        TrakBox trak = video.getBox();
        long mediaScale = video.getTimescale();
        long movieScale = demuxer.getMovie().getTimescale();
        Presentation shown = Presentation.of(pts, trak.getEdits(), mediaScale, movieScale);
        double fps = averageFps(dur, shown.rank, mediaScale);
        double duration = shown.durationSeconds >= 0 ? shown.durationSeconds : Arrays.stream(dur).sum() / (double) mediaScale;

        if (shown.count < n) {
            notes.add(0, "edit list presents " + shown.count + " of " + n + " coded frames");
        }
        if (shown.count > 0 && shown.seconds[0] > 5e-4) {
            notes.add(0, String.format(Locale.ROOT, "first frame at %.3f s", shown.seconds[0]));
        }
        if (shown.reordered) {
            notes.add(0, "B-frames: decode order differs from presentation order (frames are sorted by timestamp)");
        }
        VideoInfo info = new VideoInfo(path, container.label, codec, profile, width, height, fps, shown.count, duration,
                problem == null ? "jcodec" : null, problem, notes);
        return new Mp4Index(path, info, trackIndex, n, shown.rank, shown.seconds, sps);
    }

    private static SeqParameterSet readSps(ByteBuffer raw) {
        ByteBuffer b = NIOUtils.clone(raw);
        H264Utils.unescapeNAL(b);
        return SeqParameterSet.read(b);
    }

    /** Null when JCodec decodes this stream; otherwise why not (it fails late and vaguely on these). */
    private static String h264Problem(SeqParameterSet sps) {
        boolean profileOk = sps.profileIdc == 66 || sps.profileIdc == 77 || sps.profileIdc == 100;
        boolean chromaOk = sps.chromaFormatIdc == ColorSpace.YUV420J || sps.chromaFormatIdc == ColorSpace.YUV420;
        boolean depthOk = sps.bitDepthLumaMinus8 == 0 && sps.bitDepthChromaMinus8 == 0;
        if (profileOk && chromaOk && depthOk) {
            return null;
        }
        return String.format(Locale.ROOT,
                "H.264 %s with %s chroma at %d bits is beyond the pure-Java decoder (JCodec reads 8-bit 4:2:0 Baseline, Main and High)",
                CodecNames.h264Profile(sps.profileIdc, sps.constraintSet1Flag), chromaName(sps.chromaFormatIdc), 8 + sps.bitDepthLumaMinus8);
    }

    private static String chromaName(ColorSpace c) {
        if (c == ColorSpace.YUV420J || c == ColorSpace.YUV420) {
            return "4:2:0";
        }
        if (c == ColorSpace.YUV422J || c == ColorSpace.YUV422) {
            return "4:2:2";
        }
        if (c == ColorSpace.YUV444J || c == ColorSpace.YUV444) {
            return "4:4:4";
        }
        return c == ColorSpace.MONO ? "monochrome" : String.valueOf(c);
    }

    static int codedWidth(SeqParameterSet sps) {
        int w = (sps.picWidthInMbsMinus1 + 1) * 16;
        return sps.frameCroppingFlag ? w - 2 * (sps.frameCropLeftOffset + sps.frameCropRightOffset) : w;
    }

    static int codedHeight(SeqParameterSet sps) {
        int unit = sps.frameMbsOnlyFlag ? 1 : 2;
        int h = unit * (sps.picHeightInMapUnitsMinus1 + 1) * 16;
        return sps.frameCroppingFlag ? h - 2 * unit * (sps.frameCropTopOffset + sps.frameCropBottomOffset) : h;
    }

    /** Frames shown per second of their own durations (empty edits and hidden frames do not count). */
    private static double averageFps(long[] dur, int[] rank, long scale) {
        long total = 0;
        int count = 0;
        for (int i = 0; i < dur.length; i++) {
            if (rank[i] >= 0) {
                total += dur[i];
                count++;
            }
        }
        return total > 0 ? VideoInfo.nominalFps(count * (double) scale / total) : Double.NaN;
    }

    static VideoInfo bareInfo(Path path, Container container, String codec, String profile, String problem) {
        return new VideoInfo(path, container.label, codec, profile, 0, 0, Double.NaN, 0, Double.NaN, null, problem.isEmpty() ? "unreadable" : problem, List.of());
    }

    /** Which samples the edit list shows, in what order and when. */
    private record Presentation(int count, int[] rank, double[] seconds, double durationSeconds, boolean reordered) {
        static Presentation of(long[] pts, List<Edit> edits, long mediaScale, long movieScale) {
            int n = pts.length;
            double[] when = new double[n];
            boolean[] shown = new boolean[n];
            double total = -1;
            boolean anyMedia = edits != null && edits.stream().anyMatch(e -> e.getMediaTime() >= 0);
            if (!anyMedia) {
                for (int i = 0; i < n; i++) {
                    shown[i] = true;
                    when[i] = pts[i] / (double) mediaScale;
                }
            } else {
                long movieAt = 0;
                for (Edit e : edits) {
                    if (e.getMediaTime() >= 0) {
                        long start = e.getMediaTime();
                        // A zero-length edit means "to the end of the media".
                        double end = e.getDuration() == 0 ? Double.POSITIVE_INFINITY : start + e.getDuration() * (double) mediaScale / movieScale;
                        for (int i = 0; i < n; i++) {
                            if (!shown[i] && pts[i] >= start && pts[i] < end) {
                                shown[i] = true;
                                when[i] = movieAt / (double) movieScale + (pts[i] - start) / (double) mediaScale;
                            }
                        }
                    }
                    movieAt += e.getDuration();
                }
                total = movieAt / (double) movieScale;
            }
            Integer[] order = new Integer[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (shown[i]) {
                    order[count++] = i;
                }
            }
            Integer[] sorted = Arrays.copyOf(order, count);
            Arrays.sort(sorted, Comparator.<Integer>comparingDouble(i -> when[i]).thenComparingInt(i -> i));
            int[] rank = new int[n];
            Arrays.fill(rank, -1);
            double[] seconds = new double[count];
            boolean reordered = false;
            for (int r = 0; r < count; r++) {
                rank[sorted[r]] = r;
                seconds[r] = when[sorted[r]];
                reordered |= r > 0 && sorted[r] < sorted[r - 1];
            }
            return new Presentation(count, rank, seconds, total, reordered);
        }
    }
}
