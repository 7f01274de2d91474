// The resolver thread of watched host names: look up what is due, publish, sleep until the next.
#include "state/hostname_watcher.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace vigil::inspect::detail {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

// Everything the thread touches. The thread holds a reference, so a detached thread (see the
// destructor) still has it after the watcher is gone.
struct HostnameWatcher::Shared {
  struct Name {
    std::string name;
    std::vector<IpValue> addrs;  // the last answer that had addresses
    bool looked_up = false;
    Clock::time_point due;
  };

  std::mutex mu;
  std::condition_variable wake;
  bool stop = false;
  bool in_lookup = false;
  std::vector<Name> names;  // only ever appended: indexes stay valid across unlocks
  std::unique_ptr<HostnameResolver> own_resolver;
  const HostnameResolver* resolver = nullptr;
  std::chrono::milliseconds refresh{0};
  size_t max_names = 0;
  size_t max_addresses = 0;
  uint64_t lookups = 0;
  uint64_t lookup_failures = 0;
  std::shared_ptr<const HostnameSnapshot> snapshot = std::make_shared<HostnameSnapshot>();
  std::atomic<uint64_t> generation{0};

  // Under `mu`.
  void publish() {
    auto s = std::make_shared<HostnameSnapshot>();
    s->watched = names.size();
    s->lookups = lookups;
    s->lookup_failures = lookup_failures;
    for (const Name& n : names) {
      if (!n.looked_up) ++s->pending;
      for (const IpValue& a : n.addrs) {
        if (s->entries.size() >= max_addresses) {
          ++s->addresses_dropped;
          continue;
        }
        s->entries.push_back({a, n.name});
      }
    }
    std::stable_sort(s->entries.begin(), s->entries.end(),
                     [](const HostnameSnapshot::Entry& a, const HostnameSnapshot::Entry& b) {
                       return HostnameSnapshot::address_less(a.addr, b.addr);
                     });
    snapshot = std::move(s);
    generation.fetch_add(1, std::memory_order_release);
  }

  void run() {
    std::unique_lock<std::mutex> lock(mu);
    while (!stop) {
      size_t next = names.size();
      for (size_t i = 0; i < names.size(); ++i)
        if (next == names.size() || names[i].due < names[next].due) next = i;
      if (next == names.size() || names[next].due == Clock::time_point::max()) {
        wake.wait(lock);  // nothing will ever be due without a new name
        continue;
      }
      // A copy: watch() may grow `names` while this waits, and wait_until reads its deadline again.
      const Clock::time_point due = names[next].due;
      if (due > Clock::now()) {
        wake.wait_until(lock, due);
        continue;
      }
      const std::string name = names[next].name;
      in_lookup = true;
      lock.unlock();
      std::vector<IpValue> addrs;
      const bool answered = resolver->resolve(name, addrs);
      // Lookups compare whole arrays: an IPv4 address keeps nothing past its 4 bytes.
      std::erase_if(addrs, [](const IpValue& a) { return a.family != 4 && a.family != 6; });
      for (IpValue& a : addrs)
        if (a.family == 4) std::fill(a.addr.begin() + 4, a.addr.end(), 0);
      const bool found = answered && !addrs.empty();
      lock.lock();
      in_lookup = false;
      Name& n = names[next];
      ++lookups;
      if (found) n.addrs = std::move(addrs);
      else ++lookup_failures;
      n.looked_up = true;
      n.due = refresh.count() > 0 ? Clock::now() + refresh : Clock::time_point::max();
      publish();
    }
  }
};

HostnameWatcher::HostnameWatcher(const HostnameResolver* resolver, std::chrono::milliseconds refresh,
                                 size_t max_names, size_t max_addresses)
    : shared_(std::make_shared<Shared>()) {
  Shared& s = *shared_;
  if (!resolver) s.own_resolver = make_system_hostname_resolver();
  s.resolver = resolver ? resolver : s.own_resolver.get();
  s.refresh = refresh;
  s.max_names = max_names;
  s.max_addresses = max_addresses;
}

HostnameWatcher::~HostnameWatcher() {
  bool busy;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop = true;
    busy = shared_->in_lookup;
  }
  shared_->wake.notify_all();
  if (!thread_.joinable()) return;
  if (busy && shared_->own_resolver) thread_.detach();
  else thread_.join();
}

HostnameWatcher::Added HostnameWatcher::watch(std::string_view name) {
  Shared& s = *shared_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    for (const Shared::Name& n : s.names)
      if (n.name == name) return Added::Known;
    if (s.names.size() >= s.max_names) return Added::Refused;
    s.names.push_back({std::string(name), {}, false, Clock::now()});
    s.publish();  // the new name counts as watched and pending right away
  }
  if (!thread_.joinable()) thread_ = std::thread([shared = shared_] { shared->run(); });
  else s.wake.notify_one();
  return Added::New;
}

uint64_t HostnameWatcher::generation() const { return shared_->generation.load(std::memory_order_acquire); }

std::shared_ptr<const HostnameSnapshot> HostnameWatcher::snapshot() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->snapshot;
}

}  // namespace vigil::inspect::detail
