package io.netloop;

/**
 * Who is at the other end of a local (Unix-domain) connection, as the kernel recorded it when the
 * connection was made ({@code SO_PEERCRED} on Linux): the peer's process id and its effective user
 * and group ids at {@code connect} or {@code listen} time.
 *
 * <pre>{@code
 * conn.peerCredentials().filter(c -> c.uid() == 0).ifPresent(c -> grantAdmin(conn));
 * }</pre>
 *
 * @param pid the peer's process id
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerCredentials(long pid, long uid, long gid) {
}
