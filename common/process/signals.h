#pragma once

namespace ys {

// Blocks SIGTERM and SIGINT in the calling thread; call first thing in main, before any thread
// starts, so every thread inherits the mask and the signals queue for WaitForTermination.
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT and returns its number.
int WaitForTermination();

}  // namespace ys
