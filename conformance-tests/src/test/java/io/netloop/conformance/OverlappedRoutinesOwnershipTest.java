package io.netloop.conformance;

/** Buffer ownership of the completion core on {@code overlapped-routines} (Windows); skipped, with the reason, elsewhere. */
@BackendUnderTest("overlapped-routines")
class OverlappedRoutinesOwnershipTest extends CompletionOwnershipSuite {
}
