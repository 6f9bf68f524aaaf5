package org.videoldm.data;

import java.util.Locale;

/**
 * The scene labels a driving Video LDM is conditioned on (paper Sec. 4.1: day/night and crowdedness): the time of day
 * and how crowded the road is. Crowdedness is counted in cars and binned into three classes, so that a hand count of a
 * real clip and the exact count of a procedural scene mean the same: empty (no car), light (1-2), crowded (3 or more).
 * Either label may be unknown (null): the conditioner then feeds that label's unconditional (zero) vector, as if dropped.
 *
 * <p>Text form, as label files and {@code --labels} take it: words or {@code key=value} pairs separated by commas or
 * spaces, e.g. {@code night,crowded}, {@code time=day cars=2}, {@code dusk}.
 */
public record DrivingLabels(DrivingScene.TimeOfDay timeOfDay, Crowdedness crowdedness) {
    /** How many cars share the road, in three classes. */
    public enum Crowdedness {
        EMPTY, LIGHT, CROWDED;

        /** The class of a number of cars: 0 empty, 1-2 light, 3 or more crowded. */
        public static Crowdedness ofCars(int cars) {
            if (cars < 0) {
                throw new IllegalArgumentException("labels: a number of cars cannot be negative, got " + cars);
            }
            return cars == 0 ? EMPTY : cars <= 2 ? LIGHT : CROWDED;
        }
    }

    /** Classes per label group, in vector order: time of day (day, dusk, night), crowdedness (empty, light, crowded). */
    public static final int[] GROUP_SIZES = {DrivingScene.TimeOfDay.values().length, Crowdedness.values().length};

    /** No label known. */
    public static DrivingLabels none() {
        return new DrivingLabels(null, null);
    }

    /** The exact labels of a procedural scene: its time of day and its number of cars. */
    public static DrivingLabels of(DrivingScene scene) {
        return new DrivingLabels(scene.timeOfDay(), Crowdedness.ofCars(scene.cars().size()));
    }

    /** Each group's class index, -1 where unknown; the order of {@link #GROUP_SIZES}. */
    public int[] classes() {
        return new int[] {timeOfDay == null ? -1 : timeOfDay.ordinal(), crowdedness == null ? -1 : crowdedness.ordinal()};
    }

    /**
     * Parses the text form. Words: {@code day}, {@code dusk}, {@code night}, {@code empty}, {@code light},
     * {@code crowded}; pairs: {@code time=day|dusk|night}, {@code cars=N} (N >= 0), {@code crowdedness=empty|light|crowded}.
     * A label given twice, an unknown word or a malformed number is an error naming the token.
     */
    public static DrivingLabels parse(String text) {
        DrivingScene.TimeOfDay tod = null;
        Crowdedness crowd = null;
        for (String raw : text.strip().split("[,\\s]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            String token = raw.toLowerCase(Locale.ROOT);
            String key = token.contains("=") ? token.substring(0, token.indexOf('=')) : null;
            String value = token.contains("=") ? token.substring(token.indexOf('=') + 1) : token;
            DrivingScene.TimeOfDay t = null;
            Crowdedness c = null;
            if (key == null || key.equals("time")) {
                t = timeOfDay(value);
            }
            if (key == null || key.equals("crowdedness")) {
                c = crowdedness(value);
            }
            if ("cars".equals(key)) {
                try {
                    c = Crowdedness.ofCars(Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("labels: 'cars=" + value + "' is not a whole number of cars");
                }
            } else if (key != null && !key.equals("time") && !key.equals("crowdedness")) {
                throw new IllegalArgumentException("labels: unknown key '" + key + "' in '" + raw + "' (time, cars or crowdedness)");
            }
            if (t == null && c == null) {
                throw new IllegalArgumentException("labels: unknown label '" + raw + "' (day, dusk, night; empty, light, crowded; "
                        + "time=..., cars=N, crowdedness=...)");
            }
            if (t != null) {
                if (tod != null) {
                    throw new IllegalArgumentException("labels: the time of day is given twice ('" + raw + "')");
                }
                tod = t;
            } else {
                if (crowd != null) {
                    throw new IllegalArgumentException("labels: the crowdedness is given twice ('" + raw + "')");
                }
                crowd = c;
            }
        }
        return new DrivingLabels(tod, crowd);
    }

    private static DrivingScene.TimeOfDay timeOfDay(String v) {
        for (DrivingScene.TimeOfDay t : DrivingScene.TimeOfDay.values()) {
            if (t.name().equalsIgnoreCase(v)) {
                return t;
            }
        }
        return null;
    }

    private static Crowdedness crowdedness(String v) {
        for (Crowdedness c : Crowdedness.values()) {
            if (c.name().equalsIgnoreCase(v)) {
                return c;
            }
        }
        return null;
    }

    /** The text form ({@code time=night crowdedness=crowded}; unknown labels left out), which {@link #parse} reads back. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (timeOfDay != null) {
            sb.append("time=").append(timeOfDay.name().toLowerCase(Locale.ROOT));
        }
        if (crowdedness != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("crowdedness=").append(crowdedness.name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
