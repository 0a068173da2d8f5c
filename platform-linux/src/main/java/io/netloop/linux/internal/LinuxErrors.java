package io.netloop.linux.internal;

import io.netloop.bindings.linux.Errno;
import io.netloop.spi.IoErrors;
import java.io.IOException;

/** errno to exception, through the one shared table in {@link IoErrors}. */
final class LinuxErrors {
    private LinuxErrors() {
    }

    static IOException exception(String operation, int errno) {
        return IoErrors.exception(operation, errno, Errno.name(errno), Errno.message(errno));
    }
}
