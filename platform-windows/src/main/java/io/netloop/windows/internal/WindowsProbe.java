package io.netloop.windows.internal;

import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.spi.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * The availability probe of the Windows backends: the one place that tests the operating system.
 * Touches no native class until the OS and CPU are known to fit, so loading never fails elsewhere.
 * Starts Winsock once for the process ({@code WSAStartup} 2.2); it stays started.
 */
final class WindowsProbe {
    private WindowsProbe() {
    }

    static Availability winsock() {
        return Holder.WINSOCK;
    }

    private static final class Holder {
        static final Availability WINSOCK = probe();
    }

    private static Availability probe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("windows")) {
            return Availability.unavailable("Winsock backends need Windows; this is " + os);
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return Availability.unavailable("the Windows bindings are proven for x64 only; this CPU is " + arch);
        }
        try {
            int rc;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = WinErrors.allocateCallState(arena);
                MemorySegment data = arena.allocate(Ws2_32.WSADATA);
                rc = Ws2_32.WSAStartup(state, (short) 0x0202, data);
            }
            if (rc != 0) {
                return Availability.unavailable("WSAStartup(2.2) failed: " + WinErrors.name(rc) + " " + WinErrors.message(rc));
            }
            return Availability.available();
        } catch (IllegalCallerException e) {
            return Availability.unavailable("native access is denied; run with --enable-native-access=io.netloop.bindings "
                    + "(module path) or --enable-native-access=ALL-UNNAMED (class path)", e);
        } catch (Throwable t) {
            return Availability.unavailable("the Windows bindings failed to link: " + t, t);
        }
    }
}
