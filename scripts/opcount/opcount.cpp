// Counts libtorch operator calls through at::addGlobalCallback (the hook torch.profiler uses), for
// util.OpCount. Built without libtorch headers: the callback struct is declared with the layout of
// ATen/record_function.h in torch 2.7 and the two functions needed are passed in by the caller.
// Build: g++ -O2 -shared -fPIC -o opcount.so opcount.cpp
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace at {
struct ObserverContext {
    virtual ~ObserverContext() = default;
};
struct RecordFunction;
// Same members, order and types as torch's RecordFunctionCallback (passed by value, so layout must agree).
class RecordFunctionCallback {
public:
    using StartCallback = std::unique_ptr<ObserverContext> (*)(const RecordFunction&);
    using EndCallback = void (*)(const RecordFunction&, ObserverContext*);
    StartCallback start_;
    EndCallback end_;
    double sampling_prob_ = 1.0;
    std::array<bool, 10> scopes_ = {};
    bool needs_inputs_ = false;
    bool needs_outputs_ = false;
    bool needs_ids_ = false;
};
}  // namespace at

namespace {
using AddFn = uint64_t (*)(at::RecordFunctionCallback);
using NameFn = const char* (*)(const at::RecordFunction*);

std::atomic<long> all_ops{0}, top_ops{0}, nodes{0};
thread_local int depth = 0;
bool by_name = false;
std::mutex mu;
std::map<std::string, long> names;
NameFn name_fn = nullptr;
uint64_t handles[2] = {0, 0};

std::unique_ptr<at::ObserverContext> op_start(const at::RecordFunction& rf) {
    all_ops++;
    if (depth++ == 0) {
        top_ops++;
        if (by_name) {
            std::lock_guard<std::mutex> g(mu);
            names[name_fn(&rf)]++;
        }
    }
    return nullptr;
}
void op_end(const at::RecordFunction&, at::ObserverContext*) { depth--; }
std::unique_ptr<at::ObserverContext> node_start(const at::RecordFunction&) {
    nodes++;
    return nullptr;
}
}  // namespace

extern "C" {
// add: at::addGlobalCallback, name: at::RecordFunction::name (libtorch is loaded RTLD_LOCAL, so the caller finds
// them). 0 on success.
int opcount_start(void* add_fn, void* name, int per_name) {
    auto add = (AddFn) add_fn;
    name_fn = (NameFn) name;
    if (add == nullptr || name_fn == nullptr || handles[0] != 0) {
        return -1;
    }
    by_name = per_name != 0;
    at::RecordFunctionCallback ops;
    ops.start_ = op_start;
    ops.end_ = op_end;
    ops.scopes_[0] = true;  // RecordScope::FUNCTION: ATen operators
    at::RecordFunctionCallback bw;
    bw.start_ = node_start;
    bw.end_ = nullptr;
    bw.scopes_[1] = true;  // RecordScope::BACKWARD_FUNCTION: autograd nodes
    handles[0] = add(ops);
    handles[1] = add(bw);
    return 0;
}

// [operators called from outside any other operator, all operators incl. nested, autograd nodes]
void opcount_read(long* out) {
    out[0] = top_ops.load();
    out[1] = all_ops.load();
    out[2] = nodes.load();
}

void opcount_reset() {
    top_ops = 0;
    all_ops = 0;
    nodes = 0;
    std::lock_guard<std::mutex> g(mu);
    names.clear();
}

// Writes "count name" lines of the top-level operators seen since the last reset.
int opcount_dump(const char* path) {
    FILE* f = fopen(path, "w");
    if (f == nullptr) {
        return -1;
    }
    std::lock_guard<std::mutex> g(mu);
    for (auto& e : names) {
        fprintf(f, "%ld %s\n", e.second, e.first.c_str());
    }
    fclose(f);
    return 0;
}
}
