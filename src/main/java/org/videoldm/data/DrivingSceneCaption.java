package org.videoldm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.videoldm.util.Seeds;

/**
 * A caption for a procedural driving scene, written from its parameters: time of day, weather, traffic (how many cars),
 * road curvature, lane count and speed, with the roadside and the hood as optional extras. Phrasing varies (several
 * sentence templates, synonyms, attributes that are sometimes left out) so a text encoder does not learn one fixed
 * sentence; the choice is a pure function of the scene's seed, so a clip always has the same caption.
 *
 * <p>The bins are those of the FVD-toy labels: traffic none / 1-2 / 3-4 cars, curvature by thirds of its range, speed by
 * thirds of 0.8-2.6 m per frame (30-95 km/h at 10 fps).
 */
public final class DrivingSceneCaption {
    /** Coordinate of the caption's draws under the scene seed (other uses of that seed draw elsewhere). */
    private static final long STREAM = 0xCA97105L;

    private DrivingSceneCaption() {}

    /** The caption of {@code scene}, phrased by {@code seed} (the clip's scene seed). */
    public static String of(DrivingScene scene, long seed) {
        SplittableRandom r = new SplittableRandom(Seeds.derive(seed, STREAM));
        Words w = words(scene, r);
        String text = switch (r.nextInt(5)) {
            case 0 -> join(w.subject + " driving " + w.speed, "on " + w.road, w.time, w.weather) + ", " + w.traffic;
            case 1 -> "dashcam video " + w.time + (w.weather.isEmpty() ? "" : " " + w.weather) + ": " + w.road + ", " + w.traffic
                    + (w.speed.isEmpty() ? "" : ", moving " + w.speed);
            case 2 -> join(w.time, w.weather) + ", " + join("a car drives " + w.speed, "along " + w.road) + ", " + w.traffic;
            case 3 -> join("first-person view from a car", w.speed.isEmpty() ? "" : "going " + w.speed, "on " + w.road, w.time, w.weather)
                    + "; " + w.traffic;
            default -> join("driving " + w.time, w.weather, "on " + w.road) + ", " + w.traffic + (w.speed.isEmpty() ? "" : ", " + w.speed);
        };
        List<String> extras = new ArrayList<>();
        if (r.nextDouble() < 0.35) {
            extras.add(pick(r, switch (scene.roadside()) {
                case TREES -> new String[] {"trees along the road", "lined with trees", "trees on both sides"};
                case POLES -> new String[] {"poles along the roadside", "utility poles by the road", "a row of poles"};
                case MIXED -> new String[] {"trees and poles by the road", "trees and utility poles along the roadside"};
            }));
        }
        if (scene.hood() && r.nextDouble() < 0.5) {
            extras.add(pick(r, "the car's hood in view", "hood visible at the bottom", "seen over the hood"));
        }
        if (!extras.isEmpty()) {
            text += ", " + String.join(", ", extras);
        }
        return tidy(text);
    }

    /** The phrases of one caption; an empty phrase is an attribute left out. */
    private record Words(String subject, String time, String weather, String traffic, String road, String speed) {}

    private static Words words(DrivingScene s, SplittableRandom r) {
        boolean clear = s.weather() == DrivingScene.Weather.CLEAR;
        String time = switch (s.timeOfDay()) {
            case DAY -> clear ? pick(r, "on a sunny day", "in daylight", "during the day", "in broad daylight", "on a bright day")
                    : pick(r, "during the day", "in daylight", "by day");
            case DUSK -> pick(r, "at dusk", "at sunset", "in the evening twilight", "as the sun goes down");
            case NIGHT -> pick(r, "at night", "in the dark", "late at night", "at night with headlights on");
        };
        String weather = switch (s.weather()) {
            case CLEAR -> r.nextDouble() < 0.5 ? "" : pick(r, "under a clear sky", "in clear weather", "in dry weather");
            case RAIN -> pick(r, "in the rain", "in heavy rain", "in rainy weather", "with rain falling");
            case FOG -> pick(r, "in thick fog", "in foggy weather", "through the fog", "in mist and fog");
        };
        int cars = s.cars().size();
        String traffic = cars == 0 ? pick(r, "no other cars around", "no other traffic", "an empty road ahead", "nobody else on the road")
                : cars <= 2 ? (cars == 1 ? pick(r, "one car ahead", "a single car in front", "light traffic")
                        : pick(r, "two cars ahead", "light traffic", "a few cars ahead"))
                : pick(r, "heavy traffic", "dense traffic", "several cars ahead", "busy traffic");
        double c = s.curvature() / 0.0025; // curvature lies in [-0.0025, 0.0025]; positive bends to the right
        String bend = c < -1.0 / 3 ? pick(r, "curving to the left", "that bends left", "with a left curve")
                : c > 1.0 / 3 ? pick(r, "curving to the right", "that bends right", "with a right curve")
                : r.nextDouble() < 0.5 ? "" : pick(r, "that runs straight", "straight ahead");
        String lanes = switch (s.lanes()) {
            case 2 -> pick(r, "two-lane road", "road with two lanes", "two-lane highway");
            case 3 -> pick(r, "three-lane road", "road with three lanes", "three-lane highway");
            default -> pick(r, "four-lane highway", "wide four-lane road", "road with four lanes");
        };
        String road = r.nextDouble() < 0.25 ? pick(r, "a road", "a highway", "the road") : "a " + lanes;
        road = bend.isEmpty() ? road : road + " " + bend;
        double v = (s.speed() - 0.8) / 1.8;
        String speed = r.nextDouble() < 0.15 ? ""
                : v < 1.0 / 3 ? pick(r, "slowly", "at low speed", "at a gentle pace")
                : v < 2.0 / 3 ? pick(r, "at moderate speed", "at a steady pace", "at medium speed")
                : pick(r, "fast", "at high speed", "quickly");
        String subject = pick(r, "a car", "a vehicle", "the ego car");
        return new Words(subject, time, weather, traffic, road, speed);
    }

    private static String pick(SplittableRandom r, String... options) {
        return options[r.nextInt(options.length)];
    }

    /** Non-empty parts joined by single spaces. */
    private static String join(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (!p.isBlank()) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(p.strip());
            }
        }
        return sb.toString();
    }

    /** Single spaces, no space before punctuation. */
    private static String tidy(String s) {
        return s.replaceAll("\\s+", " ").replaceAll(" ([,;:])", "$1").strip();
    }
}
