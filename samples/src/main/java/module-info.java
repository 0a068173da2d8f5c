/** netloop's samples, on the public API only. */
module io.netloop.samples {
    requires io.netloop;
    requires org.slf4j;

    exports io.netloop.samples.echo;
}
