package org.videoldm.data;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Animated GIFs through ImageIO. A GIF frame is often only the changed rectangle, drawn over what
 * the previous frame's disposal left, so frames are composed on a full-size canvas.
 */
final class GifReader {
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";
    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";
    /** Browsers play GIFs without delays at about 10 fps. */
    private static final double DEFAULT_FPS = 10;

    private GifReader() {}

    static VideoInfo probe(Path path) {
        return withReader(path, reader -> {
            int n = reader.getNumImages(true);
            int[] screen = screenSize(reader);
            int centis = 0;
            for (int i = 0; i < n; i++) {
                centis += frameMeta(reader, i).delayCentis;
            }
            double seconds = centis > 0 ? centis / 100.0 : n / DEFAULT_FPS;
            List<String> notes = centis > 0 ? List.of() : List.of("no frame delays; assuming " + VideoInfo.formatFps(DEFAULT_FPS) + " fps");
            return new VideoInfo(path, Container.GIF.label, "gif", null, screen[0], screen[1], VideoInfo.nominalFps(n / seconds), n, seconds, "imageio", null, notes);
        });
    }

    static int forEachFrame(Path path, int limit, IntPredicate wanted, FrameVisitor visitor) {
        return withReader(path, reader -> {
            int n = Math.min(limit, reader.getNumImages(true));
            int[] screen = screenSize(reader);
            BufferedImage canvas = new BufferedImage(screen[0], screen[1], BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = canvas.createGraphics();
            BufferedImage saved = null;
            FrameMeta previous = null;
            double seconds = 0;
            try {
                for (int i = 0; i < n; i++) {
                    FrameMeta meta = frameMeta(reader, i);
                    if (previous != null && previous.disposal.equals("restoreToBackgroundColor")) {
                        g.setComposite(AlphaComposite.Clear);
                        g.fillRect(previous.left, previous.top, previous.width, previous.height);
                        g.setComposite(AlphaComposite.SrcOver);
                    } else if (previous != null && previous.disposal.equals("restoreToPrevious") && saved != null) {
                        g.setComposite(AlphaComposite.Src);
                        g.drawImage(saved, 0, 0, null);
                        g.setComposite(AlphaComposite.SrcOver);
                    }
                    if (meta.disposal.equals("restoreToPrevious")) {
                        saved = copy(canvas);
                    }
                    BufferedImage part;
                    try {
                        part = reader.read(i);
                    } catch (IOException | RuntimeException e) {
                        throw new VideoDecodeException(path, "GIF frame " + i + " cannot be decoded: " + e, null, e);
                    }
                    g.drawImage(part, meta.left, meta.top, null);
                    if (wanted.test(i)) {
                        visitor.frame(i, seconds, RgbFrame.fromImage(canvas));
                    }
                    seconds += (meta.delayCentis > 0 ? meta.delayCentis / 100.0 : 1 / DEFAULT_FPS);
                    previous = meta;
                }
            } finally {
                g.dispose();
            }
            return n;
        });
    }

    private record FrameMeta(int left, int top, int width, int height, String disposal, int delayCentis) {}

    private static FrameMeta frameMeta(ImageReader reader, int i) throws IOException {
        Node root = reader.getImageMetadata(i).getAsTree(IMAGE_FORMAT);
        int left = 0, top = 0, w = 0, h = 0, delay = 0;
        String disposal = "none";
        for (Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
            NamedNodeMap a = c.getAttributes();
            if (c.getNodeName().equals("ImageDescriptor")) {
                left = intAttr(a, "imageLeftPosition");
                top = intAttr(a, "imageTopPosition");
                w = intAttr(a, "imageWidth");
                h = intAttr(a, "imageHeight");
            } else if (c.getNodeName().equals("GraphicControlExtension")) {
                disposal = a.getNamedItem("disposalMethod").getNodeValue();
                delay = intAttr(a, "delayTime");
            }
        }
        return new FrameMeta(left, top, w, h, disposal, delay);
    }

    private static int[] screenSize(ImageReader reader) throws IOException {
        IIOMetadata stream = reader.getStreamMetadata();
        if (stream != null) {
            for (Node c = stream.getAsTree(STREAM_FORMAT).getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c.getNodeName().equals("LogicalScreenDescriptor")) {
                    NamedNodeMap a = c.getAttributes();
                    return new int[] {intAttr(a, "logicalScreenWidth"), intAttr(a, "logicalScreenHeight")};
                }
            }
        }
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
    }

    private static int intAttr(NamedNodeMap a, String name) {
        Node n = a.getNamedItem(name);
        return n == null ? 0 : Integer.parseInt(n.getNodeValue());
    }

    private static BufferedImage copy(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        src.copyData(out.getRaster());
        return out;
    }

    private interface ReaderJob<T> {
        T run(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(Path path, ReaderJob<T> job) {
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            try {
                reader.setInput(in, false, false);
                return job.run(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof VideoDecodeException v) {
                throw v;
            }
            throw new VideoDecodeException(path, "cannot read the GIF: " + e, null, e);
        }
    }
}
