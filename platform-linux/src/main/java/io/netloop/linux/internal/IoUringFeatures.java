package io.netloop.linux.internal;

/**
 * What the running kernel's io_uring offers beyond the minimum the backend requires, found once by
 * {@link LinuxProbe#ioUring()}.
 *
 * @param multishotAccept one accept keeps completing for every connection (Linux 5.19)
 * @param skipSuccessfulCqe cancel requests post no completion when they succeed ({@code IORING_FEAT_CQE_SKIP}, 5.17)
 * @param providedBufferRings a ring of buffers shared by the loop's receives can be registered
 *        ({@code IORING_REGISTER_PBUF_RING}, 5.19)
 * @param multishotReceive one receive keeps completing, a provided buffer per completion
 *        ({@code IORING_RECV_MULTISHOT}, Linux 6.0); used only with provided buffer rings
 * @param description the features and setup flags, for the log and for users who ask; says why
 *        where a feature is missing
 */
record IoUringFeatures(boolean multishotAccept, boolean skipSuccessfulCqe, boolean providedBufferRings, boolean multishotReceive,
                       String description) {
}
