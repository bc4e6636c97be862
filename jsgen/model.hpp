// The model of a jobstream program: what the front end found in the sources,
// in plain structs that know nothing of Clang. Emitters turn it into text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace jsgen::model {

// In contract order, the order of kAttributeSpellings (attribute_spellings.hpp).
// A sweep is only in the model as the user wrote it: lowerSweeps (sweeps.hpp)
// turns it into a frame, a job, a frame_end and an emit before code is made.
enum class StageKind : std::uint8_t {
  init, job, frame, frame_end, reduce, sweep, emit, result, finish
};

// The attribute spelling without its namespace: "job", "frame_end", ...
const char* kindName(StageKind kind);

// A type twice: as the user wrote it (for messages and StageDef::inputName)
// and fully qualified from the global namespace (for generated code).
struct Type {
  std::string spelled;
  std::string qualified;
};

enum class Passing : std::uint8_t { value, const_ref, rvalue_ref, lvalue_ref };
const char* passingName(Passing passing);

struct Parameter {
  std::string name;
  std::string written;  // the whole parameter type as written: "const std::string&"
  Type item;            // that type without references and cv: "std::string"
  Passing passing;
};

// How a stage's return value becomes items: void (none), T (one),
// std::optional<T> (zero or one), jobstream::Multiple<T> (zero or more),
// jobstream::Lazy<T> (zero or more, drawn as workers need them; init only).
enum class ReturnForm : std::uint8_t { none, value, optional, multiple, lazy };
const char* returnFormName(ReturnForm form);

struct Location {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
};

// A stage index that refers to no stage.
inline constexpr std::size_t kNoStage = static_cast<std::size_t>(-1);

// Where a stage sits among the frames and reductions; all indices are into
// Pipeline::stages. Filled in by layOutScopes (scopes.hpp), the one place
// that works it out; the emitters only print it.
//
// A scope is the top level or the body of one frame (frame instance). Inside
// a scope, each reduce closes a region: the stages from the scope's first
// stage, or from the stage after the previous reduce (and its emit), up to
// that reduce. frame and frame_end belong to the scope around their body; an
// emit belongs with the reduce or frame_end above it.
struct Structure {
  std::size_t frame = kNoStage;        // the frame whose body holds the stage; kNoStage: top level
  std::size_t regionStart = kNoStage;  // first stage of its region; kNoStage for init stages
  std::size_t partner = kNoStage;      // frame: its frame_end; frame_end: its frame
  // reduce, frame, frame_end: the stage what they return re-enters. A reduce's
  // returns re-enter its region's first stage; a frame's and a frame_end's
  // the frame body's first stage (the frame_end itself for an empty body).
  std::size_t recursTo = kNoStage;
  // The numbering the runtime uses (StageDef::owner and ::region). owner: the
  // frame whose body holds the items delivered to the stage, which for a
  // frame_end is its own frame; kNoStage for the top level and init stages.
  // region: how many reduces of that owner's scope come before the stage (a
  // reduce is in the region it closes, its emit in the next); 0 for init.
  std::size_t owner = kNoStage;
  std::size_t region = 0;
};

struct Stage {
  StageKind kind;
  std::string name;    // qualified for people: "wordlen::length"
  std::string callee;  // qualified for generated code: "::wordlen::length"
  Location location;
  std::vector<Parameter> parameters;
  std::string returnWritten;  // the return type as written
  ReturnForm returns = ReturnForm::none;
  Type item;   // what one returned item is (T), empty when returns == none
  // The item type the stage consumes; a std::tuple for several parameters.
  // reduce: In of its std::span<const In>; frame, frame_end: the item after
  // the store; emit: the store it reads.
  Type input;
  // reduce, frame, frame_end: the Store of their `Store&` parameter; emit: the
  // store it reads (its parameter's item). Empty for other kinds.
  Type store;
  Structure structure;
  // reduce and frame_end: the item that leaves them for the stage below, the
  // store or, when an emit follows, what the emit returns. Empty otherwise.
  Type leaves;
  // [[jobstream::not_thread_safe]]: one call at a time per rank.
  bool serial = false;
  // sweep: its index in Pipeline::sweeps. After lowerSweeps, the same for
  // each stage made from it (the frame is StageDef::sweep, the finish that
  // prints the table StageDef::sweepTable). kNoStage for other stages.
  std::size_t sweep = kNoStage;
  // The stage group it was spliced from ("lib::jobs_text"), the innermost
  // when groups splice groups; empty for a stage written in the pipeline.
  std::string group;
};

// A user type that crosses a stage boundary and needs cereal serialisation.
struct SerialisedType {
  std::string name;  // fully qualified: "::geo::Point"
  // Namespaces to reopen for the generated serialize, outermost first; an
  // empty name is an anonymous namespace.
  struct Namespace {
    std::string name;
    bool isInline = false;
  };
  std::vector<Namespace> scope;
  // False for a class nested in another as a private or protected member:
  // generated code cannot write its name, so it reaches the type through an
  // explicit instantiation (which ignores access) instead.
  bool nameable = true;
  // A base class or a member; `accessible` is false for private and protected
  // ones, which the generated code reaches without the user's help (a cast
  // for bases, a member pointer from an explicit instantiation for members).
  struct Part {
    std::string name;  // base: fully qualified type; member: its name
    bool accessible = true;
    std::string type;  // member: its canonical type, fully qualified (for the fingerprint)
  };
  std::vector<Part> bases;   // in declaration order
  std::vector<Part> fields;  // in declaration order
  // The type brings its own serialize/save/load: nothing is generated.
  bool hasOwnSerialisation = false;
  // It is trivially copyable yet has its own serialisation: the runtime must
  // not send it as bytes (travels_as_bytes<T> is specialised to false).
  bool needsNotAsBytes = false;
};

// A [[jobstream::sweep]] `O f(const P&, std::uint64_t)`, as the description
// struct D of jobstream/detail/sweep.hpp needs it.
struct Sweep {
  std::string description;  // D's name in generated code, "sweep_1"; set by lowerSweeps
  std::string name;         // the user's function for people: "noise::trial"
  std::string callee;       // and for generated code: "::noise::trial"
  Type params;              // P
  Type outcome;             // O
  // The table's columns: P's public data members (empty: P is one column,
  // "param") and O's data members (empty: O is one column, "value"), in
  // declaration order.
  std::vector<std::string> paramMembers;
  std::vector<std::string> outcomeMembers;
};

struct Pipeline {
  std::string name;    // the namespace, "a::b"; empty for the global namespace
  std::string source;  // absolute path of the file that defines it
  std::vector<Stage> stages;
  std::vector<Sweep> sweeps;  // Stage::sweep indexes it
  // Filled in by layOutScopes with the stages' structure. entry: the first
  // stage that is not init, which every init feeds (stages.size() when all
  // are init). exitRegion: the top-level region of the items that leave the
  // pipeline, where the default printer sits when there is one.
  std::size_t entry = 0;
  std::size_t exitRegion = 0;
};

// A [[jobstream::job]] passed to jobstream::map: the runtime gets a small
// pipeline of its own for it (runtime/include/jobstream/detail/map.hpp).
struct MappedJob {
  std::string name;    // "ns::f"
  std::string callee;  // "::ns::f"
  Type input;          // its parameter's item type
  Type result;         // what it returns, as a whole
  Location location;   // the first map call found
};

struct Program {
  std::vector<std::string> sources;   // absolute paths, in command-line order
  std::vector<Pipeline> pipelines;    // in source order
  std::vector<MappedJob> maps;        // in order of their first map call
  std::vector<SerialisedType> types;  // in order of discovery
  bool hasMain = false;               // some source defines main()
};

// Writes the model as text for people and lit tests; format in model_dump.cpp.
void dump(const Program& program, std::ostream& out);

}  // namespace jsgen::model
