// A sweep is 'O f(const P&, std::uint64_t trial)': two parameters, the
// combination by value or const&, the trial's number an unsigned 64-bit
// integer (unsigned long or unsigned long long, by value or const&), and
// exactly one outcome returned.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <optional>

namespace shapes {
[[jobstream::sweep]] double one(double p);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:29: error: sweep stage 'shapes::one' takes 1 parameter; a sweep is 'O f(const P& params, std::uint64_t trial)': one combination of parameters and the trial's number
[[jobstream::sweep]] double moved(double&& p, std::uint64_t t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:35: error: sweep stage 'shapes::moved' takes its combination as 'double &&'; it is called for every trial of the same combination: take it as 'const double&' or by value
[[jobstream::sweep]] double changed(double& p, std::uint64_t t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:37: error: sweep stage 'shapes::changed' takes its combination as 'double &'
[[jobstream::sweep]] double narrow(double p, unsigned t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:46: error: sweep stage 'shapes::narrow' takes the trial's number as 'unsigned int'; take it as 'std::uint64_t' (an unsigned 64-bit integer: std::uint64_t, unsigned long long, or unsigned long where it has 64 bits; by value or const&)
[[jobstream::sweep]] double signedTrial(double p, std::int64_t t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:51: error: sweep stage 'shapes::signedTrial' takes the trial's number as 'std::int64_t'
[[jobstream::sweep]] double byReference(double p, std::uint64_t& t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:51: error: sweep stage 'shapes::byReference' takes the trial's number as 'std::uint64_t &'
[[jobstream::sweep]] void nothing(double p, std::uint64_t t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:22: error: sweep stage 'shapes::nothing' returns void; it returns what one trial measures: an arithmetic type, or a struct whose data members are all arithmetic
[[jobstream::sweep]] std::optional<double> maybe(double p, std::uint64_t t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:22: error: sweep stage 'shapes::maybe' returns 'std::optional<double>'; a sweep returns exactly one outcome per trial (an arithmetic type, or a struct whose data members are all arithmetic), never std::optional or jobstream::Multiple
[[jobstream::sweep]] jobstream::Multiple<double> many(double p, std::uint64_t t);
// CHECK: diag_sweep_signature.cpp:[[@LINE-1]]:22: error: sweep stage 'shapes::many' returns 'jobstream::Multiple<double>'
// Accepted: const&, unsigned long long, const std::uint64_t&.
[[jobstream::sweep]] double fine(const double& p, unsigned long long t);
[[jobstream::sweep]] double alsoFine(double p, const std::uint64_t& t);
// CHECK-NOT: shapes::fine
// CHECK-NOT: shapes::alsoFine
// CHECK: 9 errors generated.
}  // namespace shapes
