package io.netloop.bindings.windows;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The Winsock extension functions of {@code <mswsock.h>}: {@code AcceptEx},
 * {@code GetAcceptExSockaddrs} and {@code ConnectEx}. They are not linked by name (mswsock.dll's
 * exports serve Microsoft's own provider only, and {@code ConnectEx} is not exported at all): the
 * caller fetches each function's address once, with
 * {@code WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)} on a socket of the family it serves, and
 * passes it as {@code fn}. Windows x64 only.
 *
 * <pre>{@code
 * MemorySegment guid = arena.allocate(Ws2_32.GUID);
 * Ws2_32.writeGuid(guid, Ws2_32.WSAID_ACCEPTEX_LO, Ws2_32.WSAID_ACCEPTEX_HI);
 * MemorySegment fnOut = arena.allocate(ValueLayout.ADDRESS);
 * MemorySegment bytes = arena.allocate(ValueLayout.JAVA_INT);
 * if (Ws2_32.WSAIoctl(callState, listener, Ws2_32.SIO_GET_EXTENSION_FUNCTION_POINTER, guid, (int) guid.byteSize(),
 *         fnOut, (int) ValueLayout.ADDRESS.byteSize(), bytes, MemorySegment.NULL, MemorySegment.NULL) == Ws2_32.SOCKET_ERROR) {
 *     // WinErrors.wsaLastError(callState)
 * }
 * MemorySegment acceptEx = fnOut.get(ValueLayout.ADDRESS, 0);   // code in mswsock.dll: valid while ws2_32 is loaded
 * int ok = MsWsock.AcceptEx(callState, acceptEx, listener, accepted, buffer, 0,
 *         addressLength, addressLength, MemorySegment.NULL, overlapped);   // addressLength = sizeof(sockaddr_storage) + 16
 * }</pre>
 *
 * <p>Each function has one downcall handle with no address of its own, created on first use
 * (which fails outside Windows); its parameters are {@code (fn, callState, arguments...)}, the
 * target address first, then the capture segment. The public methods take {@code callState}
 * first, as everywhere in these bindings.
 */
public final class MsWsock {

    private MsWsock() {
    }

    /**
     * {@code BOOL AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
     * DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);}
     * <p>{@code sAcceptSocket} is a fresh, unbound socket of the listener's family. Each address
     * length must be at least 16 more than the largest sockaddr; {@code lpOutputBuffer} holds
     * {@code dwReceiveDataLength} data bytes and then both addresses (read them with
     * {@link #GetAcceptExSockaddrs}). {@code FALSE} with {@code WSA_IO_PENDING} means started.
     */
    public static int AcceptEx(MemorySegment callState, MemorySegment fn, long sListenSocket, long sAcceptSocket,
                               MemorySegment lpOutputBuffer, int dwReceiveDataLength, int dwLocalAddressLength,
                               int dwRemoteAddressLength, MemorySegment lpdwBytesReceived, MemorySegment lpOverlapped) {
        try {
            return (int) Handles.ACCEPTEX.invokeExact(fn, callState, sListenSocket, sAcceptSocket, lpOutputBuffer,
                    dwReceiveDataLength, dwLocalAddressLength, dwRemoteAddressLength, lpdwBytesReceived, lpOverlapped);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code void GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
     * DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr, LPINT LocalSockaddrLength,
     * struct sockaddr **RemoteSockaddr, LPINT RemoteSockaddrLength);}
     * <p>Takes the same three lengths as the {@code AcceptEx} call; stores into {@code *LocalSockaddr}
     * and {@code *RemoteSockaddr} pointers into {@code lpOutputBuffer}. Cannot fail, so it captures nothing.
     */
    public static void GetAcceptExSockaddrs(MemorySegment fn, MemorySegment lpOutputBuffer, int dwReceiveDataLength,
                                            int dwLocalAddressLength, int dwRemoteAddressLength,
                                            MemorySegment LocalSockaddr, MemorySegment LocalSockaddrLength,
                                            MemorySegment RemoteSockaddr, MemorySegment RemoteSockaddrLength) {
        try {
            Handles.GETACCEPTEXSOCKADDRS.invokeExact(fn, lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength,
                    dwRemoteAddressLength, LocalSockaddr, LocalSockaddrLength, RemoteSockaddr, RemoteSockaddrLength);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL ConnectEx(SOCKET s, const struct sockaddr *name, int namelen, PVOID lpSendBuffer,
     * DWORD dwSendDataLength, LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped);}
     * <p>{@code s} must be bound first (to the wildcard address and port 0 will do).
     * {@code lpSendBuffer} may be {@link MemorySegment#NULL}. {@code FALSE} with
     * {@code WSA_IO_PENDING} means started; once connected, set {@code SO_UPDATE_CONNECT_CONTEXT}.
     */
    public static int ConnectEx(MemorySegment callState, MemorySegment fn, long s, MemorySegment name, int namelen,
                                MemorySegment lpSendBuffer, int dwSendDataLength, MemorySegment lpdwBytesSent,
                                MemorySegment lpOverlapped) {
        try {
            return (int) Handles.CONNECTEX.invokeExact(fn, callState, s, name, namelen, lpSendBuffer, dwSendDataLength,
                    lpdwBytesSent, lpOverlapped);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** The address-less handles, created on first use so that loading this class links nothing. */
    private static final class Handles {
        private static final MethodHandle ACCEPTEX = Linking.ws2_32Pointer(FunctionDescriptor.of(JAVA_INT,
                JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle GETACCEPTEXSOCKADDRS = Linking.pointer(FunctionDescriptor.ofVoid(
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        private static final MethodHandle CONNECTEX = Linking.ws2_32Pointer(FunctionDescriptor.of(JAVA_INT,
                JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    }
}
