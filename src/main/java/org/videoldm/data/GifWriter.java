package org.videoldm.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Animated GIF through ImageIO: each frame gets its own 256-colour palette, a delay from the frame
 * rate, and the NETSCAPE2.0 extension that makes browsers loop it forever.
 */
public final class GifWriter {
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private GifWriter() {}

    public static void write(Path file, List<RgbFrame> frames, double fps) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, encode(frames, fps, true));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write GIF: " + e.getMessage(), e);
        }
    }

    /**
     * GIF delays are whole centiseconds, so they alternate (8 fps: 13, 12, 13, ...) to keep the
     * average rate; browsers treat delays under 2 as 10, so faster rates play at 50 fps.
     */
    public static byte[] encode(List<RgbFrame> frames, double fps, boolean loop) {
        if (frames.isEmpty() || !(fps > 0)) {
            throw new IllegalArgumentException("GIF needs frames and a positive fps");
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            ImageWriteParam param = writer.getDefaultWriteParam();
            for (int i = 0; i < frames.size(); i++) {
                var image = frames.get(i).toImage();
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
                int delay = (int) Math.max(2, Math.round((i + 1) * 100 / fps) - Math.round(i * 100 / fps));
                meta.mergeTree(FORMAT, frameTree(delay, loop && i == 0));
                writer.writeToSequence(new IIOImage(image, null, meta), param);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException("GIF encoding failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static IIOMetadataNode frameTree(int delayCentis, boolean loopExtension) {
        IIOMetadataNode root = new IIOMetadataNode(FORMAT);
        IIOMetadataNode gce = new IIOMetadataNode("GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCentis));
        gce.setAttribute("transparentColorIndex", "0");
        root.appendChild(gce);
        if (loopExtension) {
            IIOMetadataNode apps = new IIOMetadataNode("ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1, loop count 0 = forever
            apps.appendChild(app);
            root.appendChild(apps);
        }
        return root;
    }
}
