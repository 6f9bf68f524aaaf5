package org.videoldm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everything that makes one procedural dash-cam clip what it is. Lengths are metres, speeds metres
 * per frame; the renderer turns this into frames, and the manifest stores it as JSON.
 */
public record DrivingScene(
        long noiseSeed,
        TimeOfDay timeOfDay,
        Weather weather,
        double speed,
        double curvature,
        int lanes,
        int egoLane,
        double horizon,
        double swayMetres,
        double swayPeriodFrames,
        double swayPhase,
        double pitchPixels,
        double roadGrey,
        double[] grass,
        Roadside roadside,
        double roadsideSpacing,
        boolean hood,
        List<Car> cars) {

    public enum TimeOfDay { DAY, DUSK, NIGHT }

    public enum Weather { CLEAR, RAIN, FOG }

    public enum Roadside { TREES, POLES, MIXED }

    /**
     * Another car in the ego direction.
     *
     * @param lane lane index from the left, 0..lanes-1
     * @param distance metres ahead at frame 0
     * @param closing metres per frame it comes nearer (negative: pulls away)
     * @param colour body colour, RGB in [0, 1]
     */
    public record Car(int lane, double distance, double closing, double[] colour) {}

    private static final double[][] CAR_COLOURS = {
        {0.92, 0.92, 0.90}, {0.70, 0.71, 0.73}, {0.12, 0.12, 0.14}, {0.65, 0.10, 0.10}, {0.12, 0.22, 0.55}, {0.15, 0.32, 0.20}, {0.85, 0.72, 0.25},
    };

    /** A random scene; the same seed gives the same scene. */
    public static DrivingScene random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double t = r.nextDouble();
        TimeOfDay tod = t < 0.55 ? TimeOfDay.DAY : t < 0.75 ? TimeOfDay.DUSK : TimeOfDay.NIGHT;
        double w = r.nextDouble();
        Weather weather = w < 0.6 ? Weather.CLEAR : w < 0.8 ? Weather.RAIN : Weather.FOG;
        int lanes = 2 + r.nextInt(3);
        int ego = r.nextInt(lanes);
        double speed = 0.8 + 1.8 * r.nextDouble();
        double[] grass = {0.20 + 0.15 * r.nextDouble(), 0.33 + 0.15 * r.nextDouble(), 0.12 + 0.08 * r.nextDouble()};
        Roadside side = Roadside.values()[r.nextInt(3)];
        int nCars = r.nextInt(5);
        List<Car> cars = new ArrayList<>();
        for (int i = 0; i < nCars; i++) {
            int lane = r.nextInt(lanes);
            double distance = 8 + 62 * r.nextDouble();
            double closing = -0.6 + 1.3 * r.nextDouble();
            cars.add(new Car(lane, distance, closing, CAR_COLOURS[r.nextInt(CAR_COLOURS.length)].clone()));
        }
        return new DrivingScene(r.nextLong(), tod, weather, speed, (r.nextDouble() - 0.5) * 0.005, lanes, ego,
                0.40 + 0.10 * r.nextDouble(), 0.05 + 0.30 * r.nextDouble(), 24 + 40 * r.nextDouble(), 2 * Math.PI * r.nextDouble(),
                0.6 * r.nextDouble(), 0.22 + 0.18 * r.nextDouble(), grass, side, 10 + 15 * r.nextDouble(), r.nextDouble() < 0.4, cars);
    }
}
