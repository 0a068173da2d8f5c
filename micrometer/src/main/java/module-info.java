/**
 * Binds netloop's per-loop metrics to Micrometer: {@link io.netloop.micrometer.NetloopMetrics}.
 * Optional: netloop's core depends on no metrics library, only this module depends on
 * Micrometer.
 */
// micrometer.core is an automatic module (its jar names itself in its manifest); its types are in
// this module's API, so a reader of io.netloop.micrometer reads it too.
@SuppressWarnings("requires-transitive-automatic")
module io.netloop.micrometer {
    requires transitive io.netloop;
    requires transitive micrometer.core;

    exports io.netloop.micrometer;
}
