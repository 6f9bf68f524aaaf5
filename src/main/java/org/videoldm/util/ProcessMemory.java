package org.videoldm.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory and page faults as Linux reports them (procfs); -1 where there is no procfs. The
 * benches print these because native (libtorch) memory is invisible to the JVM's own counters.
 */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Resets the kernel's peak-RSS mark (write 5 to clear_refs), so a peak covers one setting; ignored where unsupported. */
    public static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // The peak then covers everything since the process started.
        }
    }

    /** Peak resident memory (VmHWM) in MB. */
    public static long peakResidentMb() {
        return statusKb("VmHWM:") / 1024;
    }

    /** Current resident memory (VmRSS) in MB. */
    public static long residentMb() {
        return statusKb("VmRSS:") / 1024;
    }

    /** Minor page faults of the process so far (field 10 of /proc/self/stat). */
    public static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name may contain spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1024;
        }
        return -1024;
    }
}
