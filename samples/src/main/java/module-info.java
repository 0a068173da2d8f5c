/** netloop's samples, on the public API only: echo, and chat (server, console client, launcher). */
module io.netloop.samples {
    requires io.netloop;
    requires org.slf4j;
    requires org.jline; // the console client's line editing; an automatic module (JLine's jar has no descriptor)

    exports io.netloop.samples;
    exports io.netloop.samples.echo;
    exports io.netloop.samples.chat;
    exports io.netloop.samples.chat.client;
    exports io.netloop.samples.chat.redis;
}
