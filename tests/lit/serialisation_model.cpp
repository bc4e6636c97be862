// In the model, types jsgen serialises are listed once each ("generate" with
// their members), types with their own serialize as "own". A free serialize
// in the type's namespace counts as its own.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <vector>

namespace shop {

struct Item {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Item&) { return out << "Item"; }
  int price = 0;
};
struct Basket {
  std::vector<Item> items;
};
struct Receipt {
  long total = 0;
};
template <class Archive>
void serialize(Archive& archive, Receipt& receipt) { archive(receipt.total); }

[[jobstream::job]] Basket fill(int n) { return Basket{{Item{n}}}; }
[[jobstream::job]] Receipt pay(const Basket& basket) { return Receipt{static_cast<long>(basket.items.size())}; }
[[jobstream::job]] std::vector<Item> again(Receipt) { return {}; }

}  // namespace shop

// CHECK:      type ::shop::Item generate
// CHECK-NEXT:   scope shop
// CHECK-NEXT:   field price
// CHECK-NEXT: type ::shop::Basket generate
// CHECK-NEXT:   scope shop
// CHECK-NEXT:   field items
// CHECK-NEXT: type ::shop::Receipt own not-as-bytes
// CHECK-NOT:  type
