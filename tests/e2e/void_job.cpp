// A pipeline that ends in a void job: nothing leaves it, so nothing is
// printed for it, and what stages write to stdout on any rank reaches the user.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <string>

namespace void_job {

[[jobstream::job]]
std::string shout(const std::string& word) { return word + "!"; }

[[jobstream::job]]
void say(const std::string& word) { std::cout << word + "\n"; }

}  // namespace void_job
