package io.netloop.bindings.windows;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What holds for the Windows binding classes on every OS: they initialise without linking
 * anything (a backend's availability probe, and the layout probe test, read their constants on
 * Linux), the GUID words are the GUIDs' bytes, and errors have names. The functions themselves
 * are tested on Windows by {@link WindowsBindingsTest}.
 */
class WindowsBindingClassesTest {

    @Test
    void bindingClassesInitialiseOnEveryOs() {
        for (Class<?> type : new Class<?>[] {WinErrors.class, Ws2_32.class, Kernel32.class, MsWsock.class, User32.class, Linking.class}) {
            assertDoesNotThrow(() -> Class.forName(type.getName(), true, type.getClassLoader()), type.getSimpleName());
        }
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(Linker.Option.captureStateLayout().byteSize(), WinErrors.allocateCallState(arena).byteSize());
        }
    }

    @Test
    void guidWordsAreTheBytesOfTheGuids() {
        // The GUIDs as <mswsock.h> writes them: {Data1, Data2, Data3, {Data4[0..7]}}.
        assertGuid(Ws2_32.WSAID_ACCEPTEX_LO, Ws2_32.WSAID_ACCEPTEX_HI,
                0xb5367df1, (short) 0xcbac, (short) 0x11cf, 0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92);
        assertGuid(Ws2_32.WSAID_CONNECTEX_LO, Ws2_32.WSAID_CONNECTEX_HI,
                0x25a207b9, (short) 0xddf3, (short) 0x4660, 0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e);
        assertGuid(Ws2_32.WSAID_GETACCEPTEXSOCKADDRS_LO, Ws2_32.WSAID_GETACCEPTEXSOCKADDRS_HI,
                0xb5367df2, (short) 0xcbac, (short) 0x11cf, 0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92);
    }

    @Test
    void selectMessageMacrosSplitTheLowAndHighWord() {
        // WSAMAKESELECTREPLY(FD_CONNECT, WSAECONNREFUSED): the event in the low word, the error in the high one.
        long lParam = ((long) WinErrors.WSAECONNREFUSED << 16) | Ws2_32.FD_CONNECT;
        assertEquals(Ws2_32.FD_CONNECT, Ws2_32.WSAGETSELECTEVENT(lParam));
        assertEquals(WinErrors.WSAECONNREFUSED, Ws2_32.WSAGETSELECTERROR(lParam));
        assertEquals(Ws2_32.FD_READ, Ws2_32.WSAGETSELECTEVENT(Ws2_32.FD_READ));
        assertEquals(0, Ws2_32.WSAGETSELECTERROR(Ws2_32.FD_READ));
    }

    @Test
    void errorsHaveTheirSymbolicNames() {
        assertEquals("WSAECONNREFUSED", WinErrors.name(WinErrors.WSAECONNREFUSED));
        assertEquals("WSAEWOULDBLOCK", WinErrors.name(10035));
        assertEquals("ERROR_NETNAME_DELETED", WinErrors.name(64));
        // A WSA_* alias of a Win32 error reads as the Win32 name, as <winsock2.h> defines it.
        assertEquals("ERROR_IO_PENDING", WinErrors.name(WinErrors.WSA_IO_PENDING));
        assertEquals("ERROR_OPERATION_ABORTED", WinErrors.name(WinErrors.WSA_OPERATION_ABORTED));
        assertEquals("error 12345", WinErrors.name(12345));
    }

    private static void assertGuid(long lo, long hi, int data1, short data2, short data3, int... data4) {
        ByteBuffer expected = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(data1).putShort(data2).putShort(data3);
        for (int b : data4) {
            expected.put((byte) b);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment guid = arena.allocate(Ws2_32.GUID);
            Ws2_32.writeGuid(guid, lo, hi);
            assertArrayEquals(expected.array(), guid.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(data1, guid.get(ValueLayout.JAVA_INT, Ws2_32.GUID_DATA1_OFFSET));
        }
    }
}
