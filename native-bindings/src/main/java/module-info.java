/**
 * FFM bindings to the operating systems' I/O calls, written in jextract's spirit: constants,
 * memory layouts and one static method per C function, with no policy.
 *
 * <p>Every class compiles everywhere; a class's static initialiser, which
 * links its functions, needs the OS it binds, so callers probe the OS before touching one.
 * On the module path, grant native access with {@code --enable-native-access=io.netloop.bindings}.
 */
module io.netloop.bindings {
    exports io.netloop.bindings.linux;
    exports io.netloop.bindings.windows;
}
