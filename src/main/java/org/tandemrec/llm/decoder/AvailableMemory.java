package org.tandemrec.llm.decoder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How much memory a model may still take. On Linux the kernel's own estimate, {@code
 * MemAvailable} of {@code /proc/meminfo} (free memory plus the page cache and reclaimable slabs
 * it can drop, without swapping), or a container's memory limit when that is lower; elsewhere
 * the physical memory size, and where even that is
 * unknown the JVM's maximum heap. Native tensors live outside the Java heap, so the heap limit
 * is checked separately ({@link #heapBytes()}).
 *
 * @param bytes  the figure
 * @param source where it comes from, for messages ("MemAvailable in /proc/meminfo", ...)
 */
public record AvailableMemory(long bytes, String source) {
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    /** The figure for this machine now. */
    public static AvailableMemory now() {
        // The JVM's physical-memory figure honours a container's memory limit; meminfo shows the host's.
        long physical = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        if (Files.isReadable(MEMINFO)) {
            try {
                long b = memAvailable(Files.readAllLines(MEMINFO));
                if (b >= 0) {
                    return physical > 0 && physical < b
                            ? new AvailableMemory(physical, "memory limit of this container")
                            : new AvailableMemory(b, "MemAvailable in /proc/meminfo");
                }
            } catch (IOException | RuntimeException e) {
                // fall through to the portable figures
            }
        }
        if (physical > 0) {
            return new AvailableMemory(physical, "physical memory");
        }
        return new AvailableMemory(heapBytes(), "JVM maximum heap");
    }

    /** The JVM's maximum heap ({@code -Xmx}), for state kept in Java arrays. */
    public static long heapBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    /** {@code MemAvailable} of meminfo lines in bytes ("MemAvailable: 22517680 kB"), -1 when absent. */
    static long memAvailable(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("MemAvailable:")) {
                String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                long v;
                try {
                    v = Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    return -1; // an unreadable figure is treated as an absent one: no check rather than a crash
                }
                if (parts.length > 1 && parts[1].equalsIgnoreCase("kB")) {
                    v *= 1024;
                }
                return v;
            }
        }
        return -1;
    }
}
