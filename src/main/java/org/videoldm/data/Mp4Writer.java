package org.videoldm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.videoldm.util.AtomicFiles;

/**
 * Writes frames as H.264 (Baseline: I and P frames) in MP4 with JCodec, so no external tool is
 * needed. Odd widths or heights are padded by one repeated row/column (4:2:0 needs even sizes).
 * The file is written next to its target and renamed into place.
 */
public final class Mp4Writer {
    /**
     * Default quantiser for every frame. JCodec's own rate control uses 20 for I and 26 for P
     * frames (~27-28 dB); one QP for all frames keeps P frames as sharp as key frames.
     */
    public static final int DEFAULT_QP = 20;

    private Mp4Writer() {}

    public static void write(Path target, List<RgbFrame> frames, double fps) {
        write(target, frames, fps, DEFAULT_QP);
    }

    /** @param qp H.264 quantiser 0..51: lower is sharper and larger */
    public static void write(Path target, List<RgbFrame> frames, double fps, int qp) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException(target + ": no frames to write");
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException(target + ": fps must be positive, got " + fps);
        }
        if (qp < 0 || qp > 51) {
            throw new IllegalArgumentException("qp must be in 0..51, got " + qp);
        }
        RgbFrame first = frames.get(0);
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = AtomicFiles.temp(dir, "." + target.getFileName(), ".tmp");
            encode(tmp, frames, fps, qp, first);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException(target + ": cannot write MP4: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a hidden leftover temp file is harmless
                }
            }
        }
    }

    private static void encode(Path file, List<RgbFrame> frames, double fps, int qp, RgbFrame first) throws IOException {
        // Integer rates get timescale = fps; others (29.97) a millisecond-based timescale.
        boolean integral = Math.abs(fps - Math.rint(fps)) < 1e-9;
        int timescale = integral ? (int) Math.rint(fps) : (int) Math.round(fps * 1000);
        int frameDuration = integral ? 1 : 1000;
        try (SeekableByteChannel ch = NIOUtils.writableChannel(file.toFile())) {
            MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(ch);
            H264Encoder encoder = new H264Encoder(new ConstantQp(qp));
            MuxerTrack track = null;
            ByteBuffer buffer = null;
            for (int i = 0; i < frames.size(); i++) {
                RgbFrame f = frames.get(i);
                if (f.width() != first.width() || f.height() != first.height()) {
                    throw new IllegalArgumentException(file + ": frame " + i + " is " + f.width() + "x" + f.height() + ", frame 0 is " + first.width() + "x" + first.height());
                }
                Picture pic = YuvConversion.toYuv420(f);
                if (track == null) {
                    track = muxer.addVideoTrack(Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(new Size(pic.getWidth(), pic.getHeight()), ColorSpace.YUV420J));
                    buffer = ByteBuffer.allocate(encoder.estimateBufferSize(pic));
                }
                buffer.clear();
                VideoEncoder.EncodedFrame encoded = encoder.encodeFrame(pic, buffer);
                // The muxer rewrites the packet in place, so it gets its own copy of the bytes.
                ByteBuffer data = NIOUtils.clone(encoded.getData());
                track.addFrame(Packet.createPacket(data, (long) i * frameDuration, timescale, frameDuration, i,
                        encoded.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
            }
            muxer.finish();
        }
    }

    /** The MP4 file's bytes (for inline display); encodes through a temporary file. */
    public static byte[] encode(List<RgbFrame> frames, double fps) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("videoldm-", ".mp4");
            write(tmp, frames, fps);
            return Files.readAllBytes(tmp);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode MP4: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temp folder is cleaned eventually
                }
            }
        }
    }

    /** Same quantiser for every macroblock of every frame. */
    private record ConstantQp(int qp) implements RateControl {
        @Override
        public int startPicture(Size size, int maxBytes, SliceType type) {
            return qp;
        }

        @Override
        public int initialQpDelta() {
            return 0;
        }

        @Override
        public int accept(int bits) {
            return 0;
        }
    }
}
