package io.netloop.conformance;

/** Buffer ownership of the completion core on {@code iocp} (Windows); skipped, with the reason, elsewhere. */
@BackendUnderTest("iocp")
class IocpOwnershipTest extends CompletionOwnershipSuite {
}
