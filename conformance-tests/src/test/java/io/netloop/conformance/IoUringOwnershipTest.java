package io.netloop.conformance;

/** Buffer ownership of the completion core on {@code io_uring}; skipped, with the reason, where it is unavailable. */
@BackendUnderTest("io_uring")
class IoUringOwnershipTest extends CompletionOwnershipSuite {
}
