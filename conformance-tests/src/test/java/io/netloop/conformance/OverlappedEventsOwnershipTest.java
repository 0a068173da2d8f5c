package io.netloop.conformance;

/** Buffer ownership of the completion core on {@code overlapped-events} (Windows); skipped, with the reason, elsewhere. */
@BackendUnderTest("overlapped-events")
class OverlappedEventsOwnershipTest extends CompletionOwnershipSuite {
}
