// Waiting for SIGINT / SIGTERM without signal handlers: block them in every thread
// (call before starting any), then one thread collects them with sigwait. No async
// signal safety to worry about, and shutdown runs as ordinary code.
#pragma once

namespace closient::http {

// Resets SIGINT and SIGTERM to their default action and blocks them in the calling
// thread, which every thread started afterwards inherits. Also ignores SIGPIPE, so
// a peer that hangs up is an error code, not a dead process.
void block_termination_signals();

// Blocks until SIGINT or SIGTERM arrives; returns the signal number.
int wait_for_termination_signal();

}  // namespace closient::http
