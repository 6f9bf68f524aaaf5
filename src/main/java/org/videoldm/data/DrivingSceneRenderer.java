package org.videoldm.data;

import static org.videoldm.data.SceneLook.mix;
import static org.videoldm.data.SceneLook.rgb;
import static org.videoldm.data.SceneLook.scale;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a {@link DrivingScene} as a dash-cam would see it: a pinhole camera 1.4 m above a flat
 * road. The ground is shaded per pixel with analytic coverage of lane lines and dashes (no
 * supersampling, so hundreds of clips take seconds); cars, trees and poles are anti-aliased boxes
 * and ellipses drawn far to near.
 */
public final class DrivingSceneRenderer {
    private static final double CAMERA_HEIGHT = 1.4;
    private static final double LANE = 3.5;
    private static final double SHOULDER = 1.0;
    private static final double LINE = 0.15;
    private static final double DASH = 3;
    private static final double DASH_PERIOD = 9;
    private static final double FAR = 400;

    private DrivingSceneRenderer() {}

    public static List<RgbFrame> render(DrivingScene scene, int frames, int height, int width) {
        SceneLook look = SceneLook.of(scene.timeOfDay(), scene.weather());
        List<RgbFrame> out = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            out.add(frame(scene, look, t, height, width));
        }
        return out;
    }

    /** Camera pose at one frame: focal length and centre in pixels, sway and distance travelled in metres. */
    private record View(double f, double cx, double horizonY, double camX, double travel, double roadLeft, double roadRight) {
        double screenX(double z, double lateral) {
            return cx + f * (lateral - camX) / z;
        }

        double screenY(double z, double above) {
            return horizonY + f * (CAMERA_HEIGHT - above) / z;
        }
    }

    private static View view(DrivingScene s, int t, int h, int w) {
        double phase = 2 * Math.PI * t / s.swayPeriodFrames() + s.swayPhase();
        double left = -(s.egoLane() + 0.5) * LANE;
        return new View(0.9 * w, w / 2.0, s.horizon() * h + s.pitchPixels() * Math.sin(1.7 * phase), s.swayMetres() * Math.sin(phase),
                s.speed() * t, left, left + s.lanes() * LANE);
    }

    /** Distance of a car at frame t, and whether the renderer draws it there (between 3 and 160 m ahead). */
    private static double carDistance(DrivingScene.Car car, int t) {
        return car.distance() - car.closing() * t;
    }

    private static boolean drawn(double z) {
        return z > 3 && z < 160;
    }

    /**
     * The exact bounding boxes of the cars frame {@code t} shows, from the same projection that draws them: the car body
     * (roof to wheels, side to side; not its shadow), normalised to [0, 1] by the frame's width and height and clipped
     * to the frame. Cars out of view or with less than a pixel's share of width or height left inside it are left out.
     * Ordered near to far. Occluded cars keep their full box, as a labelled box would.
     */
    public static List<BoundingBox> boxes(DrivingScene s, int t, int h, int w) {
        View v = view(s, t, h, w);
        List<double[]> found = new ArrayList<>();
        for (DrivingScene.Car car : s.cars()) {
            double z = carDistance(car, t);
            if (!drawn(z)) {
                continue;
            }
            double[] e = carExtent(s, v, z, v.roadLeft() + (car.lane() + 0.5) * LANE);
            double x0 = Math.max(0, e[0]);
            double y0 = Math.max(0, e[1]);
            double x1 = Math.min(w, e[2]);
            double y1 = Math.min(h, e[3]);
            if (x1 - x0 >= 1 && y1 - y0 >= 1) {
                found.add(new double[] {z, x0 / w, y0 / h, x1 / w, y1 / h});
            }
        }
        found.sort(java.util.Comparator.comparingDouble(b -> b[0]));
        List<BoundingBox> out = new ArrayList<>(found.size());
        for (double[] b : found) {
            out.add(new BoundingBox(b[1], b[2], b[3], b[4]));
        }
        return out;
    }

    /** A car's body on screen at distance z in the lane centred dx metres across: {x0, y0, x1, y1} in pixels. */
    private static double[] carExtent(DrivingScene s, View v, double z, double dx) {
        double sx = v.screenX(z, dx + roadCentre(s, z));
        double px = v.f() / z;
        double half = 0.9 * px;
        double bottom = v.screenY(z, 0);
        return new double[] {sx - half, bottom - 1.45 * px, sx + half, bottom + 0.02 * 1.45 * px};
    }

    private static RgbFrame frame(DrivingScene s, SceneLook look, int t, int h, int w) {
        View v = view(s, t, h, w);
        Raster r = new Raster(w, h);
        sky(r, s, look, v);
        ground(r, s, look, v);
        objects(r, s, look, v, t);
        if (look.rain()) {
            rain(r, new SplittableRandom(s.noiseSeed() + 7919L * t));
        }
        if (s.hood()) {
            hood(r, look);
        }
        return r.toFrame();
    }

    private static double roadCentre(DrivingScene s, double z) {
        return s.curvature() * z * z;
    }

    private static void sky(Raster r, DrivingScene s, SceneLook look, View v) {
        double hillPhase = (s.noiseSeed() & 0xffff) / 1000.0;
        double[] hill = mix(scale(s.grass(), 0.55 * brightness(look)), look.fog(), 0.55);
        for (int y = 0; y < r.height && y < v.horizonY() + 1; y++) {
            double k = Math.min(1, (y + 0.5) / Math.max(1, v.horizonY()));
            double[] c = mix(look.skyTop(), look.skyHorizon(), k * k);
            for (int x = 0; x < r.width; x++) {
                double hillTop = v.horizonY() - r.height * 0.035 * (1.2 + Math.sin(x * 0.07 + hillPhase) + 0.6 * Math.sin(x * 0.023 + 2 * hillPhase));
                double cover = Math.max(0, Math.min(1, y + 1 - hillTop));
                double[] px = mix(c, hill, cover);
                if (look.headlights() && hash(x, y, s.noiseSeed()) < 0.004 && y < v.horizonY() * 0.7) {
                    px = rgb(0.8, 0.8, 0.9);
                }
                r.set(x, y, px[0], px[1], px[2]);
            }
        }
    }

    private static double brightness(SceneLook look) {
        return (look.tint()[0] + look.tint()[1] + look.tint()[2]) / 3;
    }

    /** Low-beam light on a point dx metres beside the ego lane centre, z metres ahead. */
    private static double headlight(double dx, double z) {
        double spread = 1.4 + 0.09 * z;
        return 1.5 * Math.exp(-(dx * dx) / (spread * spread)) * Math.exp(-z / 30);
    }

    private static void ground(Raster r, DrivingScene s, SceneLook look, View v) {
        double[] asphalt = rgb(s.roadGrey(), s.roadGrey(), s.roadGrey() * 1.04);
        if (look.rain()) {
            asphalt = scale(asphalt, 0.7);
        }
        double[] gravel = rgb(0.45, 0.42, 0.37);
        double[] paint = rgb(0.93, 0.93, 0.90);
        List<double[]> lines = new ArrayList<>();
        lines.add(new double[] {v.roadLeft() + 0.3, 0});
        lines.add(new double[] {v.roadRight() - 0.3, 0});
        for (int k = 1; k < s.lanes(); k++) {
            lines.add(new double[] {v.roadLeft() + k * LANE, 1});
        }
        int y0 = (int) Math.max(0, Math.floor(v.horizonY()));
        for (int y = y0; y < r.height; y++) {
            double below = y + 0.5 - v.horizonY();
            double z = below > 0.5 ? v.f() * CAMERA_HEIGHT / below : FAR;
            double zNear = v.f() * CAMERA_HEIGHT / (y + 1 - v.horizonY());
            double zFar = y - v.horizonY() > 0.05 ? v.f() * CAMERA_HEIGHT / (y - v.horizonY()) : FAR * 4;
            double dash = dashCoverage(zNear + v.travel(), zFar + v.travel());
            double halfPixel = z / (2 * v.f());
            double fog = look.fogAt(z);
            double skyShare = Math.max(0, Math.min(1, v.horizonY() - y));
            double detail = Math.min(1, 8 / z);
            long row = (long) Math.floor((z + v.travel()) * 2);
            for (int x = 0; x < r.width; x++) {
                double dx = v.camX() + (x + 0.5 - v.cx()) * z / v.f() - roadCentre(s, z);
                double p0 = dx - halfPixel;
                double p1 = dx + halfPixel;
                double road = cover(p0, p1, v.roadLeft(), v.roadRight());
                double shoulder = cover(p0, p1, v.roadLeft() - SHOULDER, v.roadRight() + SHOULDER) - road;
                double grain = detail * (hash(row, (long) Math.floor(dx * 3), s.noiseSeed()) - 0.5);
                double[] c = mix(scale(s.grass(), 1 + 0.5 * grain), gravel, shoulder);
                c = mix(c, scale(asphalt, 1 + 0.08 * grain), road);
                double marking = 0;
                for (double[] line : lines) {
                    marking += cover(p0, p1, line[0] - LINE / 2, line[0] + LINE / 2) * (line[1] > 0 ? dash : 1);
                }
                double light = brightness(look);
                double[] lit = rgb(c[0] * look.tint()[0], c[1] * look.tint()[1], c[2] * look.tint()[2]);
                double[] paintLit = scale(paint, light);
                if (look.headlights()) {
                    double beam = headlight(dx, z);
                    lit = scale(c, beam + 0.05);
                    paintLit = scale(paint, 2.2 * beam + 0.08);
                }
                lit = mix(lit, paintLit, Math.min(1, marking));
                lit = mix(lit, look.fog(), fog);
                if (skyShare > 0) {
                    int o = (y * r.width + x) * 3;
                    lit = mix(lit, rgb(r.rgb[o], r.rgb[o + 1], r.rgb[o + 2]), skyShare);
                }
                r.set(x, y, lit[0], lit[1], lit[2]);
            }
        }
    }

    /** Share of the road between distances a and b (b > a) painted with dashes. */
    private static double dashCoverage(double a, double b) {
        if (b - a > 4 * DASH_PERIOD) {
            return DASH / DASH_PERIOD;
        }
        return (painted(b) - painted(a)) / (b - a);
    }

    /** Painted length of the dash pattern from 0 to u. */
    private static double painted(double u) {
        double periods = Math.floor(u / DASH_PERIOD);
        return periods * DASH + Math.min(u - periods * DASH_PERIOD, DASH);
    }

    /** Share of the interval [p0, p1] inside [a, b]. */
    private static double cover(double p0, double p1, double a, double b) {
        return Math.max(0, Math.min(b, p1) - Math.max(a, p0)) / (p1 - p0);
    }

    /** Something standing by or on the road, drawn far to near. */
    private record Thing(double z, Runnable draw) {}

    private static void objects(Raster r, DrivingScene s, SceneLook look, View v, int t) {
        List<Thing> things = new ArrayList<>();
        double spacing = s.roadsideSpacing();
        for (int side = 0; side < 2; side++) {
            double lateral = side == 0 ? v.roadLeft() - SHOULDER - 2.5 : v.roadRight() + SHOULDER + 2.5;
            double offset = side == 0 ? 0 : spacing / 2;
            long first = (long) Math.floor((v.travel() + offset) / spacing);
            for (long k = first; k < first + 200; k++) {
                double z = k * spacing - v.travel() - offset + spacing;
                if (z > 150) {
                    break;
                }
                if (z < 1.5) {
                    continue;
                }
                boolean tree = switch (s.roadside()) {
                    case TREES -> true;
                    case POLES -> false;
                    case MIXED -> hash(k, side, s.noiseSeed()) < 0.6;
                };
                double jitter = 1.5 * (hash(k, side + 7, s.noiseSeed()) - 0.5);
                double x = lateral + (side == 0 ? -jitter : jitter);
                double size = 0.8 + 0.5 * hash(k, side + 3, s.noiseSeed());
                things.add(new Thing(z, () -> {
                    if (tree) {
                        tree(r, s, look, v, z, x, size);
                    } else {
                        pole(r, s, look, v, z, x);
                    }
                }));
            }
        }
        for (DrivingScene.Car car : s.cars()) {
            double z = carDistance(car, t);
            if (drawn(z)) {
                things.add(new Thing(z, () -> car(r, s, look, v, z, v.roadLeft() + (car.lane() + 0.5) * LANE, car.colour())));
            }
        }
        things.sort(Comparator.comparingDouble(Thing::z).reversed());
        things.forEach(th -> th.draw().run());
    }

    /** Colour of a surface at distance z under this scene's light and fog. */
    private static double[] shade(double[] c, SceneLook look, double z, double dx) {
        double[] lit = rgb(c[0] * look.tint()[0], c[1] * look.tint()[1], c[2] * look.tint()[2]);
        if (look.headlights()) {
            lit = scale(c, 0.05 + headlight(dx, z));
        }
        return mix(lit, look.fog(), look.fogAt(z));
    }

    private static void tree(Raster r, DrivingScene s, SceneLook look, View v, double z, double x, double size) {
        double lateral = x + roadCentre(s, z);
        double sx = v.screenX(z, lateral);
        double px = v.f() / z;
        double[] trunk = shade(rgb(0.30, 0.22, 0.14), look, z, x);
        double[] leaves = shade(rgb(0.10 + 0.3 * s.grass()[0], 0.25 + 0.3 * s.grass()[1], 0.10), look, z, x);
        r.fillRect(sx - 0.18 * px, v.screenY(z, 2.4 * size), sx + 0.18 * px, v.screenY(z, 0), trunk, 1);
        r.fillEllipse(sx, v.screenY(z, 3.6 * size), 1.7 * size * px, 1.9 * size * px, leaves, 1);
    }

    private static void pole(Raster r, DrivingScene s, SceneLook look, View v, double z, double x) {
        double lateral = x + roadCentre(s, z);
        double sx = v.screenX(z, lateral);
        double px = v.f() / z;
        double[] grey = shade(rgb(0.55, 0.56, 0.58), look, z, x);
        r.fillRect(sx - 0.09 * px, v.screenY(z, 7), sx + 0.09 * px, v.screenY(z, 0), grey, 1);
        double toward = x < 0 ? 1.6 : -1.6;
        r.fillRect(Math.min(sx, sx + toward * px), v.screenY(z, 7.1), Math.max(sx, sx + toward * px), v.screenY(z, 6.9), grey, 1);
        if (look.lamps()) {
            double glow = look.headlights() ? 0.9 : 0.35;
            double gx = sx + toward * px;
            double gy = v.screenY(z, 6.9);
            double radius = Math.max(0.8, 0.6 * px);
            for (int yy = (int) (gy - 2 * radius); yy <= gy + 2 * radius; yy++) {
                for (int xx = (int) (gx - 2 * radius); xx <= gx + 2 * radius; xx++) {
                    double d2 = ((xx + 0.5 - gx) * (xx + 0.5 - gx) + (yy + 0.5 - gy) * (yy + 0.5 - gy)) / (radius * radius);
                    r.add(xx, yy, rgb(1.0, 0.85, 0.55), glow * Math.exp(-d2) * (1 - look.fogAt(z) * 0.7));
                }
            }
        }
    }

    private static void car(Raster r, DrivingScene s, SceneLook look, View v, double z, double dx, double[] colour) {
        double lateral = dx + roadCentre(s, z);
        double sx = v.screenX(z, lateral);
        double px = v.f() / z;
        double half = 0.9 * px;
        double bottom = v.screenY(z, 0);
        double height = 1.45 * px;
        double top = bottom - height;
        if (look.tint()[0] > 0.5 && !look.rain()) {
            r.fillRect(sx - 1.1 * half, bottom - 0.05 * height, sx + 1.1 * half, bottom + 0.08 * height, rgb(0.05, 0.05, 0.05), 0.55);
        }
        r.fillRect(sx - half, top + 0.1 * height, sx + half, bottom - 0.12 * height, shade(colour, look, z, dx), 1);
        r.fillRect(sx - 0.85 * half, top, sx + 0.85 * half, top + 0.12 * height, shade(scale(colour, 0.8), look, z, dx), 1);
        r.fillRect(sx - 0.8 * half, top + 0.12 * height, sx + 0.8 * half, top + 0.4 * height, shade(rgb(0.08, 0.10, 0.13), look, z, dx), 1);
        r.fillRect(sx - half, bottom - 0.25 * height, sx + half, bottom - 0.05 * height, shade(scale(colour, 0.45), look, z, dx), 1);
        r.fillRect(sx - 0.95 * half, bottom - 0.05 * height, sx - 0.6 * half, bottom + 0.02 * height, rgb(0.02, 0.02, 0.02), 1);
        r.fillRect(sx + 0.6 * half, bottom - 0.05 * height, sx + 0.95 * half, bottom + 0.02 * height, rgb(0.02, 0.02, 0.02), 1);
        boolean dark = look.tint()[0] < 0.5 || look.headlights();
        double[] red = dark ? rgb(1.0, 0.15, 0.12) : rgb(0.75, 0.08, 0.06);
        double lampTop = top + 0.45 * height;
        double lampBottom = top + 0.6 * height;
        double fogKeep = 1 - 0.8 * look.fogAt(z);
        r.fillRect(sx - half, lampTop, sx - 0.7 * half, lampBottom, red, fogKeep);
        r.fillRect(sx + 0.7 * half, lampTop, sx + half, lampBottom, red, fogKeep);
        if (dark) {
            double radius = Math.max(0.9, 0.35 * px);
            for (double lx : new double[] {sx - 0.85 * half, sx + 0.85 * half}) {
                double ly = (lampTop + lampBottom) / 2;
                for (int yy = (int) (ly - 2 * radius); yy <= ly + 2 * radius; yy++) {
                    for (int xx = (int) (lx - 2 * radius); xx <= lx + 2 * radius; xx++) {
                        double d2 = ((xx + 0.5 - lx) * (xx + 0.5 - lx) + (yy + 0.5 - ly) * (yy + 0.5 - ly)) / (radius * radius);
                        r.add(xx, yy, rgb(0.9, 0.1, 0.08), 0.5 * fogKeep * Math.exp(-d2));
                    }
                }
            }
        }
    }

    private static void rain(Raster r, SplittableRandom rng) {
        int streaks = r.width * r.height / 90;
        double[] drop = rgb(0.75, 0.78, 0.82);
        for (int i = 0; i < streaks; i++) {
            double x = rng.nextDouble() * r.width;
            double y = rng.nextDouble() * r.height;
            double length = 2 + 4 * rng.nextDouble();
            for (double k = 0; k < length; k += 0.5) {
                r.blend((int) (x + 0.3 * k), (int) (y + k), drop, 0.12);
            }
        }
    }

    /** The bonnet of the ego car, fixed to the camera. */
    private static void hood(Raster r, SceneLook look) {
        double[] paint = scale(rgb(0.10, 0.11, 0.13), 0.4 + 0.6 * brightness(look));
        double peak = 0.09 * r.height;
        for (int x = 0; x < r.width; x++) {
            double u = (x + 0.5 - r.width / 2.0) / (0.8 * r.width);
            double top = r.height - peak * Math.max(0, 1 - u * u);
            r.fillRect(x, top, x + 1, r.height, paint, 1);
            r.fillRect(x, top, x + 1, top + 0.6, scale(look.skyHorizon(), 0.6), 0.5);
        }
    }

    /** Deterministic value in [0, 1) for integer coordinates: texture without stored noise. */
    private static double hash(long a, long b, long seed) {
        long z = seed ^ (a * 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL);
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 29)) * 0x94D049BB133111EBL;
        return ((z ^ (z >>> 32)) >>> 11) * 0x1.0p-53;
    }
}
