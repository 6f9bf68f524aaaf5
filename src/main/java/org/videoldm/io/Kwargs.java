package org.videoldm.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;

/**
 * Reads the reference's constructor keyword arguments from JSON, with the reference's defaults and
 * errors that name the key. Ints-or-lists ({@code num_res_blocks}, {@code transformer_depth}) are
 * expanded to one value per level.
 */
public final class Kwargs {
    private final JsonObject json;
    private final String where;

    public Kwargs(JsonObject json, String where) {
        this.json = json == null ? new JsonObject() : json;
        this.where = where;
    }

    public JsonObject json() {
        return json;
    }

    public boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    private IllegalArgumentException bad(String key, String want) {
        return new IllegalArgumentException(where + ": kwarg '" + key + "' must be " + want + ", got " + json.get(key));
    }

    public int requireInt(String key) {
        if (!has(key)) {
            throw new IllegalArgumentException(where + ": missing kwarg '" + key + "'");
        }
        return getInt(key, 0);
    }

    public int getInt(String key, int dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw bad(key, "an integer");
        }
        return e.getAsInt();
    }

    public Integer getIntOrNull(String key) {
        return has(key) ? getInt(key, 0) : null;
    }

    public double getDouble(String key, double dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw bad(key, "a number");
        }
        return e.getAsDouble();
    }

    public boolean getBool(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw bad(key, "true or false");
        }
        return e.getAsBoolean();
    }

    public String getString(String key, String dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive()) {
            throw bad(key, "a string");
        }
        return e.getAsString();
    }

    public int[] getIntList(String key, int[] dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonArray()) {
            throw bad(key, "a list of integers");
        }
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    /** An int given once for all levels, or one per level. */
    public int[] getIntPerLevel(String key, int dflt, int levels) {
        int[] out = new int[levels];
        if (!has(key)) {
            java.util.Arrays.fill(out, dflt);
            return out;
        }
        JsonElement e = json.get(key);
        if (e.isJsonArray()) {
            int[] list = getIntList(key, null);
            if (list.length != levels) {
                throw new IllegalArgumentException(where + ": kwarg '" + key + "' has " + list.length + " entries but channel_mult has " + levels + " levels");
            }
            return list;
        }
        java.util.Arrays.fill(out, getInt(key, dflt));
        return out;
    }

    /** An int or a list of ints (e.g. a kernel size), as a list of the given length. */
    public long[] getKernel(String key, long[] dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonElement e = json.get(key);
        if (e.isJsonArray()) {
            int[] l = getIntList(key, null);
            long[] out = new long[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = l[i];
            }
            return out;
        }
        long[] out = new long[dflt.length];
        java.util.Arrays.fill(out, getInt(key, 0));
        return out;
    }

    public static JsonArray array(int... values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    public static JsonArray array(long... values) {
        JsonArray a = new JsonArray();
        for (long v : values) {
            a.add(v);
        }
        return a;
    }

    public static JsonArray bools(boolean[] values) {
        JsonArray a = new JsonArray();
        for (boolean v : values) {
            a.add(new JsonPrimitive(v));
        }
        return a;
    }

    public static boolean[] toBools(List<Boolean> l) {
        boolean[] out = new boolean[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }
}
