/** netloop's benchmarks: peer servers, the runner and reports; the load generator is in C (src/main/c). */
package io.netloop.benchmarks;
