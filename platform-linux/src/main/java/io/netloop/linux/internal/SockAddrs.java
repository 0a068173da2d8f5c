package io.netloop.linux.internal;

import static io.netloop.bindings.linux.Sockets.*;

import io.netloop.internal.net.SockAddrCodec;

/** Linux's {@code sockaddr_in}/{@code sockaddr_in6}/{@code sockaddr_un} (paths and abstract names), through the shared codec. */
final class SockAddrs {
    static final SockAddrCodec CODEC = new SockAddrCodec(AF_INET, AF_INET6, SOCKADDR_IN.byteSize(), SOCKADDR_IN6.byteSize(),
            SOCKADDR_STORAGE_SS_FAMILY_OFFSET, SOCKADDR_IN_SIN_PORT_OFFSET, SOCKADDR_IN_SIN_ADDR_OFFSET,
            SOCKADDR_IN6_SIN6_PORT_OFFSET, SOCKADDR_IN6_SIN6_ADDR_OFFSET, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET,
            AF_UNIX, SOCKADDR_UN_SUN_PATH_OFFSET, SUN_PATH_SIZE, true);

    private SockAddrs() {
    }
}
