// A [[jobstream::sweep]] is lowered into an ordinary frame before code is
// made, so that scopes, the emitters and the runtime handle it as one
// (jobstream/detail/sweep.hpp says what runs in each part):
//
//   frame      Sweep<D>::enter  "noise::trial (combinations)"  each P starts an instance
//   job        Sweep<D>::run    "noise::trial"                 runs blocks of trials
//   frame_end  Sweep<D>::add    "noise::trial (statistics)"    folds them, hands out more
//   emit       Sweep<D>::row    "noise::trial (row)"           the SweepRow<P, O> that leaves
//
// and, when nothing is below the sweep, a finish Sweep<D>::table,
// "noise::trial (table)", instead of the default printer. The job is named
// as the user's function: it is the one that calls it, so an exception in a
// trial names it. D is the struct emit_sweep.cpp writes for Pipeline::sweeps.
#pragma once

#include "model.hpp"

namespace jsgen {

// `written` with each sweep stage replaced by its parts, and Sweep::description
// set. The stages carry no structure: lay the result out with layOutScopes.
model::Pipeline lowerSweeps(const model::Pipeline& written);

}  // namespace jsgen
