/**
 * A program outside the netloop build that uses netloop as any user would: the public API only.
 * The backends come from {@code io.netloop.linux}, which nothing here requires: the module
 * system binds it as a provider of {@code io.netloop.spi.Backend}, which {@code io.netloop} uses.
 */
module io.netloop.consumer {
    requires io.netloop;
}
