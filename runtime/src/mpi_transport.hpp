// The MPI backend. Only mpi_transport.cpp includes <mpi.h>.
#pragma once

#include <memory>

#include "transport.hpp"

namespace jobstream::detail {

// True when this process was started by mpirun (or another PMI launcher):
// only then is MPI initialised at all.
bool startedByMpiLauncher();

// Initialises MPI (MPI_THREAD_FUNNELED: the thread that creates it makes
// every MPI call) and finalises it when destroyed, after its sends are done.
std::unique_ptr<Transport> makeMpiTransport();

}  // namespace jobstream::detail
