package org.videoldm.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each training clip is drawn: each group (a data source, the first part of a clip id) gets its share, each
 * video of a group the same part of it, each clip of a video the same part of that. Without this a folder of many
 * short procedural clips would drown a few long real videos, and one night drive among five would be one clip in
 * five only by chance of its length.
 */
public final class SamplingWeights {
    private SamplingWeights() {}

    /**
     * Weights for clips with ids {@code video@start} (videos {@code group/...}); groups missing from {@code shares}
     * share equally what the listed groups leave (all groups equally when {@code shares} is empty).
     */
    public static double[] balanced(List<String> clipIds, Map<String, Double> shares) {
        Map<String, Integer> clipsPerVideo = new HashMap<>();
        Map<String, java.util.Set<String>> videosPerGroup = new HashMap<>();
        for (String id : clipIds) {
            String video = video(id);
            clipsPerVideo.merge(video, 1, Integer::sum);
            videosPerGroup.computeIfAbsent(group(video), g -> new java.util.HashSet<>()).add(video);
        }
        double listed = 0;
        int unlisted = 0;
        for (String g : videosPerGroup.keySet()) {
            if (shares.containsKey(g)) {
                listed += shares.get(g);
            } else {
                unlisted++;
            }
        }
        double rest = unlisted > 0 ? Math.max(0, 1 - listed) / unlisted : 0;
        if (unlisted > 0 && rest == 0) {
            rest = 1.0 / videosPerGroup.size(); // shares named other groups only: fall back to equal groups
        }
        double[] w = new double[clipIds.size()];
        for (int i = 0; i < w.length; i++) {
            String video = video(clipIds.get(i));
            String g = group(video);
            double share = shares.getOrDefault(g, rest);
            w[i] = share / videosPerGroup.get(g).size() / clipsPerVideo.get(video);
        }
        return w;
    }

    /** The video part of a clip id ({@code video@start}). */
    static String video(String clipId) {
        int at = clipId.lastIndexOf('@');
        return at < 0 ? clipId : clipId.substring(0, at);
    }

    /** The group of a video id: its first path part (the source folder's name). */
    static String group(String videoId) {
        int slash = videoId.indexOf('/');
        return slash < 0 ? "" : videoId.substring(0, slash);
    }
}
