package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The renderer's exact car boxes: each box is where its car is drawn, and only there. */
class CarBoxesTest {
    private static DrivingScene withCars(DrivingScene s, List<DrivingScene.Car> cars) {
        return new DrivingScene(s.noiseSeed(), DrivingScene.TimeOfDay.DAY, DrivingScene.Weather.CLEAR, s.speed(), s.curvature(), s.lanes(), s.egoLane(),
                s.horizon(), s.swayMetres(), s.swayPeriodFrames(), s.swayPhase(), s.pitchPixels(), s.roadGrey(), s.grass(), s.roadside(),
                s.roadsideSpacing(), false, cars);
    }

    @Test
    void aBoxIsDrawnWhereItsCarIs() {
        int h = 64;
        int w = 128;
        int checked = 0;
        for (long seed = 1; seed <= 12; seed++) {
            DrivingScene base = DrivingScene.random(seed);
            // one red car in a random lane at 12-40 m, closing in; frame 3 of the clip
            int lane = (int) (seed % base.lanes());
            DrivingScene.Car car = new DrivingScene.Car(lane, 12 + 2.5 * seed, 0.4, new double[] {0.85, 0.05, 0.05});
            DrivingScene with = withCars(base, List.of(car));
            DrivingScene without = withCars(base, List.of());
            List<BoundingBox> boxes = DrivingSceneRenderer.boxes(with, 3, h, w);
            assertTrue(DrivingSceneRenderer.boxes(without, 3, h, w).isEmpty());
            if (boxes.isEmpty()) {
                continue; // the car is out of view at this curvature
            }
            assertEquals(1, boxes.size());
            BoundingBox b = boxes.get(0);
            RgbFrame a = DrivingSceneRenderer.render(with, 4, h, w).get(3);
            RgbFrame e = DrivingSceneRenderer.render(without, 4, h, w).get(3);
            double bx0 = b.x0() * w;
            double bx1 = b.x1() * w;
            double by0 = b.y0() * h;
            double by1 = b.y1() * h;
            // the shadow reaches 5% of the width to each side and 6% of the height below; one pixel for anti-aliasing
            double mx = 0.05 * (bx1 - bx0) + 1;
            double my = 0.06 * (by1 - by0) + 1;
            int inside = 0;
            int insideChanged = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean changed = diff(a, e, x, y) > 6;
                    boolean core = x >= bx0 + 1 && x + 1 <= bx1 - 1 && y >= by0 + 0.15 * (by1 - by0) && y + 1 <= by1 - 1;
                    if (core) {
                        inside++;
                        insideChanged += changed ? 1 : 0;
                    }
                    if (changed) {
                        assertTrue(x + 1 > bx0 - mx && x < bx1 + mx && y + 1 > by0 - 1 && y < by1 + my,
                                "scene " + seed + ": pixel (" + x + ", " + y + ") changed by the car lies outside its box " + b);
                    }
                }
            }
            if (inside > 0) {
                assertTrue(insideChanged >= 0.9 * inside, "scene " + seed + ": the car covers its box: " + insideChanged + " of " + inside);
            }
            checked++;
        }
        assertTrue(checked >= 8, "cars in view in most scenes: " + checked);
    }

    @Test
    void boxesFollowTheCarsAndAreOrderedNearToFar() {
        DrivingScene s = withCars(DrivingScene.random(4), List.of(new DrivingScene.Car(0, 60, 0, new double[] {1, 1, 1}),
                new DrivingScene.Car(0, 15, 0, new double[] {1, 1, 1}), new DrivingScene.Car(0, 500, 0, new double[] {1, 1, 1})));
        List<BoundingBox> boxes = DrivingSceneRenderer.boxes(s, 0, 64, 128);
        assertEquals(2, boxes.size(), "the car 500 m ahead is not drawn");
        BoundingBox near = boxes.get(0);
        BoundingBox far = boxes.get(1);
        assertTrue(near.x1() - near.x0() > 3 * (far.x1() - far.x0()), "a car four times nearer is about four times wider");
        assertTrue(near.y1() > far.y1(), "the nearer car stands lower in the frame");
    }

    @Test
    void boxListsParseAndMirror() {
        List<BoundingBox> b = BoundingBox.parseList("0.1,0.5,0.3,0.8; 0.6,0.55,0.7,0.65");
        assertEquals(2, b.size());
        assertEquals(0.3, b.get(0).x1(), 0);
        assertEquals(new BoundingBox(0.7, 0.5, 0.9, 0.8), b.get(0).mirrored());
        assertTrue(BoundingBox.parseList(" ").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BoundingBox.parseList("0.1,0.5,0.3,0.8;0.5,0.5,0.4,0.9"));
        assertTrue(e.getMessage().startsWith("box 2 "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BoundingBox.parseList("0.1,0.5,0.3"));
    }

    private static int diff(RgbFrame a, RgbFrame b, int x, int y) {
        int d = 0;
        for (int c = 0; c < 3; c++) {
            d = Math.max(d, Math.abs(a.get(x, y, c) - b.get(x, y, c)));
        }
        return d;
    }
}
