/**
 * netloop's public API: TCP servers and clients on event loops, the same on every backend.
 *
 * <ul>
 *   <li>{@link io.netloop.EventLoopGroup}, the entry point: a group of loops (threads) on one
 *       backend, built by {@link io.netloop.EventLoopGroup#builder()}. It listens, connects and
 *       shuts down.</li>
 *   <li>{@link io.netloop.EventLoop}: one thread that runs the callbacks of the connections it owns,
 *       plus tasks and {@link io.netloop.Timer}s.</li>
 *   <li>{@link io.netloop.Connection}: one TCP connection, owned by one loop; its methods may be
 *       called from any thread. {@link io.netloop.ConnectionHandler}: its callbacks, which all run
 *       on that loop, one at a time, in a fixed order.</li>
 *   <li>{@link io.netloop.Listener}: a listening socket, giving each accepted connection a new handler.</li>
 *   <li>{@link io.netloop.SocketOptions}: immutable options of connections and listeners, every
 *       default stated on its builder.</li>
 *   <li>{@link io.netloop.Backends}: which backends are installed and which can run here.</li>
 *   <li>The exceptions: JDK types where they fit ({@link java.net.ConnectException},
 *       {@link java.net.BindException}, {@link java.net.SocketTimeoutException}),
 *       {@link io.netloop.ConnectionResetException} for a reset or broken connection, and
 *       {@link io.netloop.NativeIOException} carrying the operating system's code, alone or as the
 *       cause of the others.</li>
 * </ul>
 *
 * <p>The smallest echo server, and a client that sends it one line:
 *
 * <pre>{@code
 * try (EventLoopGroup group = EventLoopGroup.create()) {
 *     Listener server = group.listen(new InetSocketAddress("127.0.0.1", 0),
 *             () -> (conn, data) -> conn.write(data));            // one handler per connection
 *
 *     CompletableFuture<String> reply = new CompletableFuture<>();
 *     Connection client = group.connect(server.localAddress(),
 *             (conn, data) -> reply.complete(StandardCharsets.UTF_8.decode(data).toString())).join();
 *     client.write("hello\n".getBytes(StandardCharsets.UTF_8));
 *     System.out.print(reply.join());   // a short line arrives whole on loopback; TCP does not promise it
 * }
 * }</pre>
 *
 * <p>TLS is a layer over these types, in {@link io.netloop.tls}; backends plug in through
 * {@link io.netloop.spi}.
 *
 * <h2>Portability</h2>
 * The contract written on these types holds on every backend and operating system. What is not
 * guaranteed (how bytes are split among {@code onData} calls, per-loop listening sockets, native
 * error codes) is listed in {@linkplain io.netloop.EventLoopGroup##portability EventLoopGroup's
 * Portability section}.
 */
package io.netloop;
