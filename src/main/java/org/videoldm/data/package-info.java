/**
 * Video data, independent of the networks.
 *
 * <p>Reading: {@link org.videoldm.data.VideoReader} ({@code probe}, {@code read}, {@code forEachFrame}) decodes
 * H.264 MP4 with JCodec in presentation order (B-frames reordered, edit lists honoured), animated GIF
 * with ImageIO, and folders of PNG/JPEG frames; an {@code ffmpeg} on the PATH is an optional fallback.
 * Anything else raises {@link org.videoldm.data.VideoDecodeException}, whose message names the file,
 * what it holds and the ffmpeg command that converts it.
 *
 * <p>Clips: {@link org.videoldm.data.ClipDataset} scans folders ({@link org.videoldm.data.VideoScan}),
 * splits by whole video and serves {@link org.videoldm.data.ClipSource}s of uint8
 * {@link org.videoldm.data.Clip}s; {@link org.videoldm.data.BatchLoader} batches them in a seeded
 * order on background threads and {@link org.videoldm.data.VideoTensors} turns a batch into
 * {@code [B, T, 3, H, W]} or {@code (b t) c h w} floats in [-1, 1] and back.
 * {@link org.videoldm.data.SyntheticDriving} is the built-in procedural dash-cam dataset.
 *
 * <p>Latents: {@link org.videoldm.data.LatentCache} encodes a clip source once through a
 * {@link org.videoldm.data.LatentEncoder} into safetensors shards; {@link org.videoldm.data.LatentDataset}
 * reads them back.
 *
 * <p>Writing: {@link org.videoldm.data.Mp4Writer}, {@link org.videoldm.data.GifWriter},
 * {@link org.videoldm.data.FrameGrid} (rows = videos, columns = frames) and
 * {@link org.videoldm.data.SideBySide}.
 */
package org.videoldm.data;
