package org.videoldm.data;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.IntPredicate;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * Decodes the H.264 track of an MP4 with JCodec. JCodec returns pictures in decode order; a small
 * reorder buffer releases them in presentation order as soon as the next one is complete.
 */
final class H264Mp4Decoder {
    private static final RgbFrame SKIPPED = RgbFrame.blank(1, 1);

    private H264Mp4Decoder() {}

    /**
     * Decodes every sample; converts to RGB and hands over only presented frames that {@code wanted}
     * accepts (skipping the colour conversion of the others saves a third of the time).
     *
     * @param limit stop after this many presented frames
     * @return the number of presented frames decoded
     */
    static int forEachFrame(Mp4Index index, int limit, IntPredicate wanted, FrameVisitor visitor) {
        VideoInfo info = index.info.requireDecodable();
        try (SeekableByteChannel ch = NIOUtils.readableChannel(index.path.toFile())) {
            MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(ch);
            AbstractMP4DemuxerTrack track = demuxer.getTracks().get(index.trackIndex);
            H264Decoder decoder = H264Decoder.createH264DecoderFromCodecPrivate(track.getMeta().getCodecPrivate());
            try {
                return decode(index, info, track, decoder, limit, wanted, visitor);
            } finally {
                releaseThreads(decoder);
            }
        } catch (IOException e) {
            throw new VideoDecodeException(index.path, "cannot read the file: " + e.getMessage(), info, e);
        }
    }

    private static int decode(Mp4Index index, VideoInfo info, AbstractMP4DemuxerTrack track, H264Decoder decoder, int limit,
                              IntPredicate wanted, FrameVisitor visitor) throws IOException {
        SeqParameterSet sps = index.sps;
        boolean fullRange = sps.vuiParams != null && sps.vuiParams.videoSignalTypePresentFlag && sps.vuiParams.videoFullRangeFlag;
        boolean bt709 = sps.vuiParams != null && sps.vuiParams.colourDescriptionPresentFlag && sps.vuiParams.matrixCoefficients == 1;
        YuvConversion.Matrix matrix = bt709 ? YuvConversion.Matrix.BT709 : YuvConversion.Matrix.BT601;
        int planeSize = (sps.picWidthInMbsMinus1 + 1) * 16 * SeqParameterSet.getPicHeightInMbs(sps) * 16;
        // One output buffer suffices: the decoder copies the pictures it keeps as references.
        byte[][] buffer = new byte[3][planeSize];
        Map<Integer, RgbFrame> pending = new HashMap<>();
        int next = 0;
        for (int i = 0; i < index.sampleCount && next < limit; i++) {
            Packet packet = track.nextFrame();
            int rank = index.rank[i];
            String where = (rank >= 0 ? "frame " + rank : "hidden frame") + " (sample " + i + " in decode order)";
            if (packet == null) {
                throw new VideoDecodeException(index.path, "the stream ends before " + where, info);
            }
            Picture pic;
            try {
                pic = decoder.decodeFrame(packet.getData(), buffer);
            } catch (RuntimeException e) {
                throw new VideoDecodeException(index.path, "H.264 decoding failed at " + where + ": " + e, info, e);
            }
            if (pic == null) {
                throw new VideoDecodeException(index.path, "H.264 decoder produced no picture for " + where, info);
            }
            if (rank < 0) {
                continue;
            }
            pending.put(rank, wanted.test(rank) ? YuvConversion.toRgb(pic, matrix, fullRange) : SKIPPED);
            for (RgbFrame f; next < limit && (f = pending.remove(next)) != null; next++) {
                if (f != SKIPPED) {
                    visitor.frame(next, index.seconds[next], f);
                }
            }
        }
        if (next < limit && !pending.isEmpty()) {
            throw new VideoDecodeException(index.path, "frame " + next + " was never decoded (timestamps out of step)", info);
        }
        return next;
    }

    /**
     * Each JCodec decoder owns a thread pool (used for streams with several slices per frame) that
     * it never shuts down; without this, scanning many such videos would pile up idle threads.
     */
    private static void releaseThreads(H264Decoder decoder) {
        try {
            Field pool = H264Decoder.class.getDeclaredField("tp");
            pool.setAccessible(true);
            if (pool.get(decoder) instanceof ExecutorService tp) {
                tp.shutdown();
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // another JCodec version: its threads are daemons, so at worst they idle
        }
    }
}
