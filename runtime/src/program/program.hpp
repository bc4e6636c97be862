// The whole generated program behind jobstream::run: transport (MPI when
// started by mpirun, otherwise one rank in this process without MPI),
// command line, initial items, run, exit code.
#pragma once

#include <iosfwd>
#include <memory>
#include <string_view>
#include <typeinfo>

#include "jobstream/detail/stage.hpp"

namespace jobstream::detail {

// `programItems` (with their type) come from run(argc, argv, items); null
// when the items come from ITEM arguments or `in`.
int runProgram(const PipelineDef& pipeline, int argc, char** argv, std::unique_ptr<BatchBase> programItems,
               const std::type_info* programType, std::istream& in);

// The pipeline of this program registered under `name`, or null. For tests
// that run a generated pipeline on a transport of their own.
const PipelineDef* registeredPipeline(std::string_view name);

}  // namespace jobstream::detail
