package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;

import io.netloop.internal.net.SockAddrCodec;

/**
 * Winsock's {@code SOCKADDR_IN}/{@code SOCKADDR_IN6}/{@code SOCKADDR_UN} (Windows 10 1803+: paths
 * only, no abstract namespace), through the shared codec.
 */
final class WinSockAddrs {
    static final SockAddrCodec CODEC = new SockAddrCodec(AF_INET, AF_INET6, SOCKADDR_IN.byteSize(), SOCKADDR_IN6.byteSize(),
            SOCKADDR_STORAGE_SS_FAMILY_OFFSET, SOCKADDR_IN_SIN_PORT_OFFSET, SOCKADDR_IN_SIN_ADDR_OFFSET,
            SOCKADDR_IN6_SIN6_PORT_OFFSET, SOCKADDR_IN6_SIN6_ADDR_OFFSET, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET,
            AF_UNIX, SOCKADDR_UN_SUN_PATH_OFFSET, SUN_PATH_SIZE, false);

    private WinSockAddrs() {
    }
}
