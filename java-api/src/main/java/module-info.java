/**
 * netloop: a portable event loop on the operating system's own I/O machinery.
 * Exports the public API and the backend SPI; the generic loop and the shared cores are opened
 * only to the platform modules that build backends on them.
 */
module io.netloop {
    requires org.slf4j;
    // The loop's events (io.netloop.internal.jfr); nothing of JFR starts until a recording does.
    requires jdk.jfr;
    // SSLEngine, KeyStore and the rest of TLS are in java.base.

    exports io.netloop;
    exports io.netloop.spi;
    exports io.netloop.tls;
    exports io.netloop.internal.readiness to io.netloop.linux, io.netloop.windows;
    exports io.netloop.internal.buffer to io.netloop.linux, io.netloop.windows;
    exports io.netloop.internal.net to io.netloop.linux, io.netloop.windows;
    exports io.netloop.internal.loop to io.netloop.linux, io.netloop.windows, io.netloop.conformance;
    // The conformance kit reads the completion core's counters in its buffer-ownership suite.
    exports io.netloop.internal.completion to io.netloop.linux, io.netloop.windows, io.netloop.conformance;

    uses io.netloop.spi.Backend;
    // The pure-JDK fallback, found like every other backend.
    provides io.netloop.spi.Backend with io.netloop.internal.nio.NioBackend;
}
