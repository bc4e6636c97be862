// A type with cereal functions of its own keeps them and is trusted: its
// members are not looked at (Cache may hold what jsgen would refuse), and
// nothing is generated for it, whichever form it uses: member serialize,
// private serialize with cereal::access, free save/load, save_minimal.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <ostream>

#include <cereal/access.hpp>

#include <memory>
#include <string>

namespace mine {
struct Cache {
  std::shared_ptr<std::string> shared;
  template <class Archive>
  void save(Archive& archive) const { archive(shared ? *shared : std::string()); }
  template <class Archive>
  void load(Archive& archive) {
    std::string text;
    archive(text);
    shared = std::make_shared<std::string>(text);
  }
};
class Private {
  friend class cereal::access;
  template <class Archive>
  void serialize(Archive& archive) { archive(value_); }
  int value_ = 0;
};
struct Minimal {
  int value = 0;
};
template <class Archive>
int save_minimal(const Archive&, const Minimal& m) { return m.value; }
template <class Archive>
void load_minimal(const Archive&, Minimal& m, const int& value) { m.value = value; }
struct Free {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Free&) { return out << "Free"; }
  std::string text;
};
template <class Archive>
void serialize(Archive& archive, Free& f) { archive(f.text); }

[[jobstream::job]] Cache cache(int) { return {}; }
[[jobstream::job]] Private hide(const Cache&) { return {}; }
[[jobstream::job]] Minimal small(const Private&) { return {}; }
[[jobstream::job]] Free loose(const Minimal&) { return {}; }
}  // namespace mine

// CHECK-NOT: void serialize(Archive& jsgen_archive
// Private and Minimal are trivially copyable with serialisation of their own:
// the runtime must use it.
// CHECK:      struct travels_as_bytes<::mine::Private> : std::false_type {};
// CHECK-NEXT: template <>
// CHECK-NEXT: struct travels_as_bytes<::mine::Minimal> : std::false_type {};
