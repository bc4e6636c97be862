// The one -Wshadow guard of the public headers.
//
// A template in these headers is instantiated where the user's code uses it,
// after the user's globals: g++ -Wshadow would then blame its parameters and
// locals for sharing a name with any of them. Each header brackets its
// templates with these two macros.
#pragma once

#define JOBSTREAM_TEMPLATES_BEGIN _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wshadow\"")
#define JOBSTREAM_TEMPLATES_END _Pragma("GCC diagnostic pop")
