// Included by depfile.cpp: a header with a space in its name.
#pragma once
namespace depfile_header {
inline constexpr int factor = 2;
}
