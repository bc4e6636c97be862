// The program's own main: the pipeline in pipeline.cpp is added to this
// target with jobstream_generate.
#include <jobstream/jobstream.hpp>

int main(int argc, char** argv) { return jobstream::run(argc, argv, {1, 2}); }
