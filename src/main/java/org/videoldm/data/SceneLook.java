package org.videoldm.data;

import org.videoldm.data.DrivingScene.TimeOfDay;
import org.videoldm.data.DrivingScene.Weather;

/**
 * Colours and light of a scene, from its time of day and weather.
 *
 * @param tint daylight colour and strength multiplying every lit surface (near zero at night)
 * @param fogMetres distance at which 63% of a surface's colour has turned into fog
 * @param headlights whether the ego car's low beams light the road
 * @param lamps whether street lamps are lit
 */
record SceneLook(double[] skyTop, double[] skyHorizon, double[] fog, double fogMetres, double[] tint, boolean headlights, boolean lamps, boolean rain) {
    static SceneLook of(TimeOfDay time, Weather weather) {
        double[] top;
        double[] horizon;
        double[] tint;
        double fogMetres;
        switch (time) {
            case DAY -> {
                top = rgb(0.30, 0.52, 0.85);
                horizon = rgb(0.74, 0.83, 0.93);
                tint = rgb(1.0, 1.0, 1.0);
                fogMetres = 320;
            }
            case DUSK -> {
                top = rgb(0.22, 0.20, 0.42);
                horizon = rgb(0.96, 0.56, 0.30);
                tint = rgb(0.78, 0.62, 0.52);
                fogMetres = 240;
            }
            default -> {
                top = rgb(0.01, 0.015, 0.04);
                horizon = rgb(0.05, 0.06, 0.10);
                tint = rgb(0.06, 0.06, 0.08);
                fogMetres = 160;
            }
        }
        double[] fog = horizon.clone();
        if (weather == Weather.FOG) {
            fog = time == TimeOfDay.NIGHT ? rgb(0.09, 0.09, 0.10) : mix(rgb(0.76, 0.78, 0.79), horizon, 0.25);
            top = mix(top, fog, 0.85);
            horizon = fog;
            fogMetres = time == TimeOfDay.NIGHT ? 18 : 28;
        } else if (weather == Weather.RAIN) {
            double[] grey = time == TimeOfDay.NIGHT ? rgb(0.04, 0.04, 0.05) : rgb(0.52, 0.54, 0.57);
            top = mix(top, grey, 0.75);
            horizon = mix(horizon, grey, 0.65);
            fog = horizon.clone();
            tint = scale(tint, 0.78);
            fogMetres = 90;
        }
        return new SceneLook(top, horizon, fog, fogMetres, tint, time == TimeOfDay.NIGHT, time != TimeOfDay.DAY, weather == Weather.RAIN);
    }

    /** The share of a surface at distance z hidden by haze or fog. */
    double fogAt(double z) {
        return 1 - Math.exp(-z / fogMetres);
    }

    static double[] rgb(double r, double g, double b) {
        return new double[] {r, g, b};
    }

    static double[] mix(double[] a, double[] b, double k) {
        return new double[] {a[0] + k * (b[0] - a[0]), a[1] + k * (b[1] - a[1]), a[2] + k * (b[2] - a[2])};
    }

    static double[] scale(double[] a, double k) {
        return new double[] {a[0] * k, a[1] * k, a[2] * k};
    }
}
