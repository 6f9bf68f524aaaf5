package org.videoldm.data;

import java.util.Locale;

/** Human names of codecs and profiles, as ffprobe prints them. */
final class CodecNames {
    private CodecNames() {}

    /** H.264 profile from the SPS's profile_idc and constraint_set1 flag. */
    static String h264Profile(int profileIdc, boolean constrained) {
        return switch (profileIdc) {
            case 66 -> constrained ? "Constrained Baseline" : "Baseline";
            case 77 -> "Main";
            case 88 -> "Extended";
            case 100 -> "High";
            case 110 -> "High 10";
            case 122 -> "High 4:2:2";
            case 244 -> "High 4:4:4 Predictive";
            case 44 -> "CAVLC 4:4:4 Intra";
            default -> "profile_idc " + profileIdc;
        };
    }

    static String h264Level(int levelIdc) {
        return String.format(Locale.ROOT, "level %d.%d", levelIdc / 10, levelIdc % 10);
    }

    /** MPEG-4 Part 2 profile from the visual_object_sequence profile_and_level_indication byte. */
    static String mpeg4ProfileLevel(int pli) {
        if (pli >= 0x01 && pli <= 0x08 || pli == 0x09) {
            return "Simple Profile";
        }
        if (pli >= 0xF0 && pli <= 0xF7) {
            return "Advanced Simple Profile";
        }
        if (pli >= 0x10 && pli <= 0x12) {
            return "Simple Scalable Profile";
        }
        if (pli >= 0x21 && pli <= 0x22) {
            return "Core Profile";
        }
        if (pli >= 0x32 && pli <= 0x34) {
            return "Main Profile";
        }
        return String.format(Locale.ROOT, "profile-level 0x%02X", pli);
    }

    /** MPEG-4 Part 2 profile from a video object layer's video_object_type_indication. */
    static String mpeg4ObjectType(int type) {
        return switch (type) {
            case 1 -> "Simple Profile";
            case 2 -> "Simple Scalable Profile";
            case 3 -> "Core Profile";
            case 4 -> "Main Profile";
            case 17 -> "Advanced Simple Profile";
            default -> "object type " + type;
        };
    }

    /**
     * Finds the profile of an MPEG-4 Part 2 elementary stream: the visual object sequence header
     * (00 00 01 B0) carries it directly, a video object layer header (00 00 01 2x) as object type.
     */
    static String mpeg4ProfileFromStream(byte[] b, int length) {
        for (int i = 0; i + 5 < length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                int code = b[i + 3] & 0xff;
                if (code == 0xB0) {
                    return mpeg4ProfileLevel(b[i + 4] & 0xff);
                }
                if (code >= 0x20 && code <= 0x2F) {
                    // random_accessible_vol (1 bit), then video_object_type_indication (8 bits)
                    int bits = ((b[i + 4] & 0xff) << 8) | (b[i + 5] & 0xff);
                    return mpeg4ObjectType((bits >> 7) & 0xff);
                }
            }
        }
        return null;
    }

    /** ffprobe's codec name for an MP4 sample entry fourcc (mp4v is refined from its esds). */
    static String fromFourcc(String fourcc) {
        return switch (fourcc) {
            case "avc1", "avc3" -> "h264";
            case "hvc1", "hev1" -> "hevc";
            case "av01" -> "av1";
            case "vp08" -> "vp8";
            case "vp09" -> "vp9";
            case "mp4v" -> "mpeg4";
            case "jpeg", "mjpa", "mjpb" -> "mjpeg";
            case "s263", "h263" -> "h263";
            case "apcn", "apch", "apcs", "apco", "ap4h" -> "prores";
            default -> fourcc.strip();
        };
    }

    /** ffprobe's codec name for an MP4 esds objectTypeIndication. */
    static String fromObjectType(int objectType) {
        return switch (objectType) {
            case 0x20 -> "mpeg4";
            case 0x21 -> "h264";
            case 0x60, 0x61, 0x62, 0x63, 0x64, 0x65 -> "mpeg2video";
            case 0x6A -> "mpeg1video";
            case 0x6C -> "mjpeg";
            default -> "mp4v object type 0x" + Integer.toHexString(objectType);
        };
    }

    /** ffprobe's codec name for an AVI stream's compression fourcc. */
    static String fromAviFourcc(String fourcc) {
        String f = fourcc.toUpperCase(Locale.ROOT);
        return switch (f) {
            case "XVID", "DIVX", "DX50", "FMP4", "MP4V", "M4S2", "3IV2" -> "mpeg4";
            case "H264", "X264", "AVC1" -> "h264";
            case "MJPG" -> "mjpeg";
            case "DIV3", "MP43" -> "msmpeg4v3";
            default -> fourcc.strip();
        };
    }
}
