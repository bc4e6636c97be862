// The MPI backend. Only mpi_transport.cpp includes <mpi.h>.
#pragma once

#include <cstddef>
#include <memory>

#include "transport/transport.hpp"

namespace jobstream::detail {

// True when this process was started by mpirun (or another PMI launcher):
// only then is MPI initialised at all.
bool startedByMpiLauncher();

// Initialises MPI (MPI_THREAD_FUNNELED: the thread that creates it makes
// every MPI call) and finalises it when destroyed, after its sends are done.
// Messages of any size travel: those over `pieceBytes` (1 GiB; smaller in
// tests) go as several MPI messages, since MPI counts bytes in an int.
std::unique_ptr<Transport> makeMpiTransport(std::size_t pieceBytes = std::size_t{1} << 30);

}  // namespace jobstream::detail
