#include "scap/event_converter.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scap/conversion_table.h"
#include "scap/record_layout.h"
#include "vigil/capture/event.h"

namespace vigil::capture::detail {
namespace {

constexpr uint32_t kHeader = EventView::kHeaderSize;
// The libs stop after this many steps; the longest chain in the table, an 8-parameter execve exit
// becoming a 31-parameter execve_19 exit, takes 16.
constexpr int kMaxSteps = 50;
// Memory held by stored enter events before the oldest are discarded.
constexpr size_t kMaxStoredBytes = size_t{64} << 20;
// A slot whose buffer grew past this gives the memory back once its event is used.
constexpr size_t kKeptSlotCapacity = 4096;

enum class Verdict { Pass, Drop, Continue, Error };

uint16_t type_of(const uint8_t* r) { return load<uint16_t>(r + 20); }
uint32_t len_of(const uint8_t* r) { return load<uint32_t>(r + 16); }
uint32_t nparams_of(const uint8_t* r) { return load<uint32_t>(r + 22); }
uint64_t tid_of(const uint8_t* r) { return load<uint64_t>(r + 8); }

std::string event_label(uint16_t type) {
  const EventInfo* info = EventSchema::newest().find(type);
  std::string label = info ? std::string(info->name) : "type " + std::to_string(type);
  label += (type & 1) ? "_X" : "_E";
  return label;
}

std::string event_key(uint16_t type, uint32_t nparams) {
  return event_label(type) + " (type " + std::to_string(type) + ", " + std::to_string(nparams) + " params)";
}

// Where parameter i of a record starts and how long it is, by summing the lengths before it.
// Records reaching the converter are validated, so the sums stay inside the record.
const uint8_t* param_at(const uint8_t* r, uint32_t i, uint32_t& size) {
  const uint32_t lensize = param_len_size(type_of(r));
  const uint32_t n = nparams_of(r);
  const uint8_t* lens = r + kHeader;
  const uint8_t* data = lens + size_t{n} * lensize;
  for (uint32_t k = 0; k < i; ++k) data += lensize == 4 ? load<uint32_t>(lens + k * 4) : load<uint16_t>(lens + k * 2);
  size = lensize == 4 ? load<uint32_t>(lens + size_t{i} * 4) : load<uint16_t>(lens + size_t{i} * 2);
  return data;
}

// Fills `offsets` with the start of each parameter of a validated record, then its end.
void index_offsets(const uint8_t* r, std::vector<uint32_t>& offsets) {
  const uint32_t lensize = param_len_size(type_of(r));
  const uint32_t n = nparams_of(r);
  offsets.resize(size_t{n} + 1);
  const uint8_t* lens = r + kHeader;
  uint32_t at = kHeader + n * lensize;
  for (uint32_t k = 0; k < n; ++k) {
    offsets[k] = at;
    at += lensize == 4 ? load<uint32_t>(lens + size_t{k} * 4) : load<uint16_t>(lens + size_t{k} * 2);
  }
  offsets[n] = at;
}

// The §15 rules deciding whether a record needs the table.
Verdict classify(const uint8_t* r, std::string& message) {
  const uint16_t type = type_of(r);
  const EventInfo* info = EventSchema::newest().find(type);
  if (!info) return Verdict::Pass;  // the reader skips unknown ids before they get here
  if (info->has(kUnused)) return Verdict::Drop;
  if (!info->has(kConverterManaged)) {
    if (!info->has(kOldVersion)) return Verdict::Pass;
    if (info->direction == Direction::Enter) return Verdict::Drop;
    message = "old exit event " + event_key(type, nparams_of(r)) + " has no conversion rule";
    return Verdict::Error;
  }
  if (info->direction == Direction::Enter) return Verdict::Continue;
  const uint32_t n = nparams_of(r);
  if (n > info->nparams()) {
    message = "event " + event_key(type, n) + " has more parameters than the " +
              std::to_string(info->nparams()) + " its table entry lists";
    return Verdict::Error;
  }
  if (info->has(kOldVersion) || n != info->nparams()) return Verdict::Continue;
  return Verdict::Pass;
}

ParamType target_param_type(uint16_t type, uint32_t index) {
  const EventInfo* info = EventSchema::newest().find(type);
  return info && index < info->nparams() ? info->params[index].type : ParamType::None;
}

}  // namespace

struct EventConverter::State {
  struct Slot {
    std::vector<uint8_t> bytes;  // the stored enter record; empty when nothing is stored
    uint64_t stored_at = 0;      // store sequence number, to find the oldest
  };

  const ConversionTable& table = ConversionTable::builtin();
  size_t max_threads;
  std::unordered_map<uint64_t, Slot> slots;
  size_t stored_bytes = 0;
  uint64_t store_seq = 0;
  std::array<std::vector<uint8_t>, 2> buffers;  // ping-pong conversion buffers
  std::vector<std::pair<uint64_t, uint64_t>> eviction_order;  // scratch: (stored_at, tid)
  std::vector<uint32_t> offsets;  // scratch: parameter offsets of the record being rewritten
  Stats stats;

  explicit State(size_t max) : max_threads(std::max<size_t>(max, 1)) {
    for (auto& b : buffers) b.resize(kMaxConvertedRecord);
  }

  const uint8_t* stored(uint64_t tid) const {
    auto it = slots.find(tid);
    return it == slots.end() || it->second.bytes.empty() ? nullptr : it->second.bytes.data();
  }

  void release(Slot& slot) {
    stored_bytes -= slot.bytes.size();
    if (slot.bytes.capacity() > kKeptSlotCapacity) {
      std::vector<uint8_t>().swap(slot.bytes);
    } else {
      slot.bytes.clear();
    }
  }

  void consume(uint64_t tid) {
    auto it = slots.find(tid);
    if (it == slots.end() || it->second.bytes.empty()) return;
    release(it->second);
    ++stats.merged_enters;
  }

  // Keeps the slot map within max_threads and the stored bytes within budget: idle slots go
  // first, then the enter events stored longest ago (counted as evicted).
  void make_room(size_t incoming_bytes) {
    if (slots.size() < max_threads && stored_bytes + incoming_bytes <= kMaxStoredBytes) return;
    for (auto it = slots.begin(); it != slots.end();) {
      it = it->second.bytes.empty() ? slots.erase(it) : std::next(it);
    }
    const size_t keep_threads = max_threads - max_threads / 4;
    const size_t keep_bytes = kMaxStoredBytes - kMaxStoredBytes / 4;
    if (slots.size() < keep_threads && stored_bytes + incoming_bytes <= keep_bytes) return;
    eviction_order.clear();
    for (const auto& [tid, slot] : slots) eviction_order.emplace_back(slot.stored_at, tid);
    std::sort(eviction_order.begin(), eviction_order.end());
    for (const auto& [seq, tid] : eviction_order) {
      if (slots.size() < keep_threads && stored_bytes + incoming_bytes <= keep_bytes) break;
      auto it = slots.find(tid);
      stored_bytes -= it->second.bytes.size();
      slots.erase(it);
      ++stats.evicted_enters;
    }
  }

  // A dropped record of `type`: an unused placeholder id or a superseded enter event.
  void count_drop(uint16_t type) {
    if (EventSchema::newest()[type].has(kUnused)) {
      ++stats.dropped_unused;
    } else {
      ++stats.dropped_old_enters;
    }
  }

  void store(std::span<const uint8_t> record) {
    const uint64_t tid = tid_of(record.data());
    auto it = slots.find(tid);
    if (it == slots.end() || stored_bytes + record.size() > kMaxStoredBytes) {
      make_room(record.size());
      it = slots.try_emplace(tid).first;
    }
    Slot& slot = it->second;
    if (!slot.bytes.empty()) {
      ++stats.replaced_enters;
      stored_bytes -= slot.bytes.size();
    }
    slot.bytes.assign(record.begin(), record.end());
    slot.stored_at = ++store_seq;
    stored_bytes += record.size();
  }

  Verdict rewrite(const uint8_t* cur, const ConversionRule& rule, uint8_t* out, std::string& message);
};

namespace {

// Builds one converted record: header, length array, then parameters appended in order.
class RecordBuilder {
 public:
  RecordBuilder(uint8_t* out, const uint8_t* header_from, uint16_t type, uint32_t nparams)
      : out_(out), type_(type), nparams_(nparams), lensize_(param_len_size(type)) {
    std::memcpy(out_, header_from, 16);
    std::memcpy(out_ + 20, &type_, 2);
    std::memcpy(out_ + 22, &nparams_, 4);
    end_ = kHeader + uint64_t{nparams_} * lensize_;
  }

  bool fits_header(std::string& message) const {
    if (end_ <= EventConverter::kMaxConvertedRecord) return true;
    message = "converted " + event_label(type_) + " would exceed the " +
              std::to_string(EventConverter::kMaxConvertedRecord) + "-byte conversion buffer";
    return false;
  }

  uint32_t next_index() const { return next_; }
  ParamType next_type() const { return target_param_type(type_, next_); }
  uint32_t lensize() const { return lensize_; }

  // Largest value the next parameter may hold: its fixed size, else what its length field allows.
  uint64_t max_next_size() const {
    const uint32_t fixed = fixed_param_size(next_type());
    if (fixed) return fixed;
    return lensize_ == 4 ? UINT32_MAX : UINT16_MAX;
  }

  // Room left for parameter data.
  uint64_t room() const { return EventConverter::kMaxConvertedRecord - end_; }
  uint8_t* data_end() { return out_ + end_; }

  bool append(const uint8_t* src, uint64_t size, std::string& message) {
    if (size > room()) {
      message = "converted " + event_label(type_) + " would exceed the " +
                std::to_string(EventConverter::kMaxConvertedRecord) + "-byte conversion buffer";
      return false;
    }
    if (size) std::memmove(out_ + end_, src, size);
    commit(size);
    return true;
  }

  // Records `size` bytes already written at data_end() as the next parameter.
  void commit(uint64_t size) {
    uint8_t* len = out_ + kHeader + size_t{next_} * lensize_;
    if (lensize_ == 4) {
      const uint32_t v = static_cast<uint32_t>(size);
      std::memcpy(len, &v, 4);
    } else {
      const uint16_t v = static_cast<uint16_t>(size);
      std::memcpy(len, &v, 2);
    }
    end_ += size;
    ++next_;
  }

  bool append_default(std::string& message) {
    const ParamType t = next_type();
    const uint32_t size = fixed_param_size(t);
    std::array<uint8_t, 16> value{};
    if (t == ParamType::Uid || t == ParamType::Gid) value.fill(0xFF);
    return append(value.data(), size, message);
  }

  bool append_copy(const uint8_t* src, uint32_t size, std::string& message) {
    return append(src, std::min<uint64_t>(size, max_next_size()), message);
  }

  uint32_t finish() {
    const uint32_t len = static_cast<uint32_t>(end_);
    std::memcpy(out_ + 16, &len, 4);
    return len;
  }

 private:
  uint8_t* out_;
  uint16_t type_;
  uint32_t nparams_;
  uint32_t lensize_;
  uint64_t end_;
  uint32_t next_ = 0;
};

// Writes the container JSON of a legacy 4-field container event at the builder's data end:
// {"id":...,"type":...,"name":...,"image":...}, the libs' converter's keys in its order, but
// with the strings escaped (the libs paste them verbatim, so a quote in a name breaks the
// document) and invalid UTF-8 replaced by U+FFFD. Returns the JSON size (with its NUL), 0 when
// the old event cannot give one (the caller falls back to an empty parameter), or -1 with
// `message` set when it is too large. Container events are rare: building a string is fine.
int64_t write_container_json(const uint8_t* old, RecordBuilder& b, std::string& message) {
  if (nparams_of(old) < 4) return 0;
  uint32_t id_size = 0, type_size = 0, name_size = 0, image_size = 0;
  const uint8_t* id = param_at(old, 0, id_size);
  const uint8_t* type = param_at(old, 1, type_size);
  const uint8_t* name = param_at(old, 2, name_size);
  const uint8_t* image = param_at(old, 3, image_size);
  // The libs read each string as its bytes minus the terminator and the type as at most 4 bytes.
  if (id_size == 0 || name_size == 0 || image_size == 0 || type_size > 4) return 0;
  uint32_t type_value = 0;
  if (type_size) std::memcpy(&type_value, type, type_size);
  auto text_of = [](const uint8_t* p, uint32_t size) {
    return std::string(reinterpret_cast<const char*>(p), size - 1);
  };
  nlohmann::ordered_json doc;
  doc["id"] = text_of(id, id_size);
  doc["type"] = type_value;
  doc["name"] = text_of(name, name_size);
  doc["image"] = text_of(image, image_size);
  const std::string json = doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  const uint64_t total = json.size() + 1;
  if (total > b.max_next_size()) {
    message = "container JSON of " + std::to_string(total) + " bytes does not fit its parameter";
    return -1;
  }
  if (total > b.room()) {
    message = "converted container event would exceed the conversion buffer";
    return -1;
  }
  std::memcpy(b.data_end(), json.c_str(), total);
  return static_cast<int64_t>(total);
}

}  // namespace

// One AddParams / ChangeType step from `cur` into `out`; then the rules judge the result.
Verdict EventConverter::State::rewrite(const uint8_t* cur, const ConversionRule& rule, uint8_t* out,
                                      std::string& message) {
  const uint16_t old_type = type_of(cur);
  const uint32_t old_n = nparams_of(cur);
  const bool add = rule.action == ConversionAction::AddParams;
  const uint16_t new_type = add ? old_type : rule.new_type;
  const uint32_t new_n = (add ? old_n : 0) + static_cast<uint32_t>(rule.recipes.size());
  RecordBuilder b(out, cur, new_type, new_n);
  if (!b.fits_header(message)) return Verdict::Error;
  index_offsets(cur, offsets);
  if (add) {
    for (uint32_t i = 0; i < old_n; ++i) {
      if (!b.append(cur + offsets[i], offsets[i + 1] - offsets[i], message)) return Verdict::Error;
    }
  }

  const uint64_t tid = tid_of(cur);
  bool used_enter = false;
  for (const ParamRecipe& r : rule.recipes) {
    bool ok = true;
    switch (r.source) {
      case ParamSource::Empty:
        b.commit(0);
        break;
      case ParamSource::Default:
        ok = b.append_default(message);
        break;
      case ParamSource::Old: {
        if (r.index >= old_n) {
          message = "rule for " + event_key(old_type, old_n) + " needs parameter " + std::to_string(r.index) +
                    " of the event, which it lacks";
          return Verdict::Error;
        }
        ok = b.append_copy(cur + offsets[r.index], offsets[r.index + 1] - offsets[r.index], message);
        break;
      }
      case ParamSource::Enter: {
        const uint8_t* enter = stored(tid);
        if (!enter) {
          if (r.empty_fallback) {
            b.commit(0);
          } else {
            ok = b.append_default(message);
          }
          break;
        }
        if (type_of(enter) != old_type - 1) {
          message = "The enter event for '" + event_label(old_type) + "' is not the right one! Event found '" +
                    event_label(type_of(enter)) + "'.";
          return Verdict::Error;
        }
        if (r.index >= nparams_of(enter)) {
          message = "rule for " + event_key(old_type, old_n) + " needs parameter " + std::to_string(r.index) +
                    " of its enter event, which has only " + std::to_string(nparams_of(enter));
          return Verdict::Error;
        }
        uint32_t size = 0;
        const uint8_t* p = param_at(enter, r.index, size);
        ok = b.append_copy(p, size, message);
        used_enter = true;
        break;
      }
      case ParamSource::ContainerJson: {
        const int64_t size = write_container_json(cur, b, message);
        if (size < 0) return Verdict::Error;
        if (size > 0) {
          b.commit(static_cast<uint64_t>(size));
        } else if (r.empty_fallback) {
          b.commit(0);
        } else {
          ok = b.append_default(message);
        }
        break;
      }
    }
    if (!ok) return Verdict::Error;
  }
  b.finish();
  if (used_enter) consume(tid);
  return classify(out, message);
}

EventConverter::EventConverter(size_t max_threads) : state_(new State(max_threads)) {}
EventConverter::~EventConverter() { delete state_; }

EventConverter::Outcome EventConverter::convert(std::span<const uint8_t> record, std::span<const uint8_t>& out,
                                                std::string& message) {
  State& s = *state_;
  const uint16_t first_type = type_of(record.data());
  switch (classify(record.data(), message)) {
    case Verdict::Pass:
      return Outcome::Pass;
    case Verdict::Drop:
      s.count_drop(first_type);
      return Outcome::Drop;
    case Verdict::Error:
      return Outcome::Failed;
    case Verdict::Continue:
      break;
  }
  if (!s.table.error().empty()) {
    message = s.table.error();
    return Outcome::Failed;
  }

  std::span<const uint8_t> cur = record;
  size_t next_buffer = 0;
  bool rewritten = false;
  for (int step = 0; step < kMaxSteps; ++step) {
    const uint8_t* r = cur.data();
    if (cur.size() > kMaxConvertedRecord) {
      message = event_key(type_of(r), nparams_of(r)) + " needs conversion but is " + std::to_string(cur.size()) +
                " bytes, more than the " + std::to_string(kMaxConvertedRecord) + "-byte conversion limit";
      return Outcome::Failed;
    }
    const ConversionRule* rule = s.table.find(type_of(r), nparams_of(r));
    if (!rule) {
      message = "no conversion rule for " + event_key(type_of(r), nparams_of(r));
      return Outcome::Failed;
    }
    Verdict v = Verdict::Pass;
    switch (rule->action) {
      case ConversionAction::Store:
        s.store(cur);
        ++s.stats.absorbed_enters;
        return Outcome::Drop;
      case ConversionAction::StoreAndPass:
        s.store(cur);
        v = Verdict::Pass;
        break;
      case ConversionAction::Pass:
        v = Verdict::Pass;
        break;
      case ConversionAction::AddParams:
      case ConversionAction::ChangeType: {
        uint8_t* dst = s.buffers[next_buffer].data();
        next_buffer ^= 1;
        v = s.rewrite(r, *rule, dst, message);
        cur = std::span<const uint8_t>(dst, len_of(dst));
        rewritten = true;
        break;
      }
    }
    switch (v) {
      case Verdict::Pass:
        if (!rewritten) return Outcome::Pass;
        out = cur;
        ++s.stats.converted;
        return Outcome::Converted;
      case Verdict::Drop:
        s.count_drop(type_of(cur.data()));
        return Outcome::Drop;
      case Verdict::Error:
        return Outcome::Failed;
      case Verdict::Continue:
        break;
    }
  }
  message = "conversion of " + event_key(first_type, nparams_of(record.data())) + " did not finish within " +
            std::to_string(kMaxSteps) + " steps";
  return Outcome::Failed;
}

void EventConverter::reset() {
  state_->slots.clear();
  state_->stored_bytes = 0;
}

const EventConverter::Stats& EventConverter::stats() const { return state_->stats; }

size_t EventConverter::thread_slots() const { return state_->slots.size(); }

}  // namespace vigil::capture::detail
