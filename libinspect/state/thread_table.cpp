#include "vigil/inspect/thread_table.h"

namespace vigil::inspect {

const ThreadState* ThreadTable::find(int64_t tid) const {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : &it->second;
}

ThreadState* ThreadTable::find(int64_t tid) {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : &it->second;
}

ThreadState* ThreadTable::find_or_create(int64_t tid, bool& created) {
  created = false;
  if (auto it = threads_.find(tid); it != threads_.end()) return &it->second;
  if (threads_.size() >= max_threads_) {
    ++refused_;
    return nullptr;
  }
  ThreadState& t = threads_[tid];
  t.tid = tid;
  t.files = std::make_shared<ProcessFiles>();
  t.container.id = t.container.full_id = std::string(kHostContainerId);
  created = true;
  return &t;
}

bool ThreadTable::erase(int64_t tid) { return threads_.erase(tid) != 0; }

const ThreadState* ThreadTable::main_thread(const ThreadState& t) const {
  if (t.pid == t.tid || t.pid < 0) return &t;
  const ThreadState* main = find(t.pid);
  return main ? main : &t;
}

const ThreadState* ThreadTable::ancestor(const ThreadState& t, size_t level) const {
  const ThreadState* cur = main_thread(t);
  // A bounded walk: corrupt parent links (cycles) must not hang us.
  for (size_t i = 0; i < level; ++i) {
    if (cur->ptid <= 0 || cur->ptid == cur->tid) return nullptr;
    const ThreadState* parent = find(cur->ptid);
    if (!parent) return nullptr;
    cur = main_thread(*parent);
    if (i > threads_.size()) return nullptr;
  }
  return cur;
}

size_t ThreadTable::count_threads(int64_t pid) const {
  size_t n = 0;
  for (const auto& [tid, t] : threads_) n += (t.pid == pid);
  return n;
}

size_t ThreadTable::count_children(int64_t pid) const {
  size_t n = 0;
  for (const auto& [tid, t] : threads_) n += (t.tid != pid && !t.dead && (t.ptid == pid || t.pid == pid));
  return n;
}

}  // namespace vigil::inspect
