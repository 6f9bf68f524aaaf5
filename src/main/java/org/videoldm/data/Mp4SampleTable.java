package org.videoldm.data;

import org.jcodec.containers.mp4.boxes.ChunkOffsets64Box;
import org.jcodec.containers.mp4.boxes.ChunkOffsetsBox;
import org.jcodec.containers.mp4.boxes.CompositionOffsetsBox;
import org.jcodec.containers.mp4.boxes.SampleSizesBox;
import org.jcodec.containers.mp4.boxes.SampleToChunkBox;
import org.jcodec.containers.mp4.boxes.TimeToSampleBox;
import org.jcodec.containers.mp4.boxes.TrakBox;

/**
 * Timing and byte range of every sample of a track, in decode order, read from the sample table
 * boxes alone: probing a video never reads its media data.
 *
 * @param pts composition (presentation) time in media timescale units: decode time plus ctts offset
 * @param duration sample durations from stts
 * @param end byte offset just past each sample
 */
record Mp4SampleTable(long[] pts, long[] duration, long[] end) {
    static Mp4SampleTable of(TrakBox trak) {
        SampleSizesBox stsz = trak.getStsz();
        int n = stsz.getCount();
        long[] pts = new long[n];
        long[] dur = new long[n];
        long dts = 0;
        int i = 0;
        for (TimeToSampleBox.TimeToSampleEntry e : trak.getStts().getEntries()) {
            for (int k = 0; k < e.getSampleCount() && i < n; k++, i++) {
                pts[i] = dts;
                dur[i] = e.getSampleDuration();
                dts += e.getSampleDuration();
            }
        }
        CompositionOffsetsBox ctts = trak.getCtts();
        if (ctts != null) {
            i = 0;
            for (CompositionOffsetsBox.Entry e : ctts.getEntries()) {
                for (int k = 0; k < e.getCount() && i < n; k++, i++) {
                    pts[i] += e.getOffset();
                }
            }
        }
        return new Mp4SampleTable(pts, dur, ends(trak, stsz, n));
    }

    /** Walks chunks (stco/co64) and samples per chunk (stsc) to place each sample in the file. */
    private static long[] ends(TrakBox trak, SampleSizesBox stsz, int n) {
        ChunkOffsetsBox stco = trak.getStco();
        ChunkOffsets64Box co64 = trak.getCo64();
        long[] chunks = stco != null ? stco.getChunkOffsets() : co64 != null ? co64.getChunkOffsets() : new long[0];
        SampleToChunkBox.SampleToChunkEntry[] runs = trak.getStsc().getSampleToChunk();
        int[] sizes = stsz.getSizes();
        long[] end = new long[n];
        int sample = 0;
        for (int r = 0; r < runs.length && sample < n; r++) {
            int firstChunk = (int) runs[r].getFirst() - 1;
            int lastChunk = r + 1 < runs.length ? (int) runs[r + 1].getFirst() - 1 : chunks.length;
            for (int c = firstChunk; c < lastChunk && c < chunks.length && sample < n; c++) {
                long at = chunks[c];
                for (int k = 0; k < runs[r].getCount() && sample < n; k++, sample++) {
                    at += stsz.getDefaultSize() != 0 ? stsz.getDefaultSize() : sizes[sample];
                    end[sample] = at;
                }
            }
        }
        return end;
    }
}
