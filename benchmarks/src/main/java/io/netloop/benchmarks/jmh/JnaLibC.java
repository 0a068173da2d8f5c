package io.netloop.benchmarks.jmh;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The two C functions the benchmarks call, bound through JNA both ways. JNA keeps {@code errno}
 * after every call by default ({@code Native.getLastError()}), so either mapping does what the
 * FFM capture variant does.
 */
final class JnaLibC {

    private JnaLibC() {
    }

    /** Interface mapping: each call goes through a {@link java.lang.reflect.Proxy} and JNA's generic {@code Function.invoke}. */
    interface Interface extends Library {
        Interface INSTANCE = Native.load(Platform.C_LIBRARY_NAME, Interface.class);

        /** {@code pid_t getppid(void);} */
        int getppid();

        /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);} */
        int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);
    }

    /** Direct mapping: {@code Native.register} binds these {@code native} methods to the C functions. */
    static final class Direct {
        static {
            Native.register(Direct.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private Direct() {
        }

        /** {@code pid_t getppid(void);} */
        static native int getppid();

        /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);} */
        static native int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);
    }
}
