// Everything the code that jsgen generates uses, in one include. A user's own
// translation units include only <jobstream/jobstream.hpp>. The cereal
// headers are those of every library type jsgen lets travel (kSupported in
// jsgen/serialisation.cpp).
#pragma once

#include <cereal/cereal.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/bitset.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/common.hpp>
#include <cereal/types/complex.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/forward_list.hpp>
#include <cereal/types/list.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/memory.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/unordered_set.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>

#include <cstddef>
#include <iterator>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "jobstream/detail/batch.hpp"
#include "jobstream/detail/codec.hpp"
#include "jobstream/detail/map.hpp"
#include "jobstream/detail/stage.hpp"
#include "jobstream/detail/sweep.hpp"
#include "jobstream/detail/text.hpp"
#include "jobstream/jobstream.hpp"
