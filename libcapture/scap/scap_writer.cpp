#include "vigil/capture/scap_writer.h"

#include <unordered_set>
#include <vector>

#include "scap/block_writer.h"
#include "scap/metadata_encoder.h"
#include "scap/record_layout.h"
#include "scap/sysdig029_downgrade.h"

namespace vigil::capture {

using detail::BlockWriter;

namespace {

// Section header body (§4): byte-order magic, version 1.2, section length "unknown".
struct ShbBody {
  uint32_t magic = detail::kShbMagic;
  uint16_t major = 1;
  uint16_t minor = 2;
  uint64_t section_length = ~uint64_t{0};
};
static_assert(sizeof(ShbBody) == 16);

// In-memory only flag that the reference writer strips before writing (§10.2).
constexpr uint32_t kDumpFlagLarge = 0x4;

}  // namespace

struct ScapWriter::Impl {
  WriterOptions options;
  std::unique_ptr<BlockWriter> out;
  std::unique_ptr<detail::Sysdig029Downgrade> downgrade;  // Sysdig029 mode only
  std::vector<uint8_t> body;  // metadata scratch
  bool metadata_written = false;  // in the current section
  uint64_t section_events = 0;
  uint64_t fd_lists_dropped = 0;
  uint64_t events = 0;
  std::optional<Error> failure;  // sticky: once a write failed the file is unusable

  Status fail(Status st) {
    if (!st.ok() && !failure) failure = st.error();
    return st;
  }

  Status write_record(std::span<const uint8_t> record, uint16_t cpu, uint32_t dump_flags) {
    if (record.size() < EventView::kHeaderSize) return out->error_here("event record shorter than its header");
    const uint16_t type = load<uint16_t>(record.data() + 20);
    const uint32_t flags = dump_flags & ~kDumpFlagLarge;
    const uint64_t body_size = 2 + (flags ? 4 : 0) + record.size();
    const bool large = detail::param_len_size(type) == 4 ||
                       detail::roundup4(8 + body_size + 4) - 8 > detail::kMaxSmallEventBlockRead;
    uint32_t block_type;
    if (flags) block_type = large ? detail::kEvfV2Large : detail::kEvfV2;
    else block_type = large ? detail::kEvV2Large : detail::kEvV2;
    const std::span<const uint8_t> cpu_part(reinterpret_cast<const uint8_t*>(&cpu), 2);
    const std::span<const uint8_t> flags_part(reinterpret_cast<const uint8_t*>(&flags), 4);
    const std::span<const uint8_t> with_flags[] = {cpu_part, flags_part, record};
    const std::span<const uint8_t> without_flags[] = {cpu_part, record};
    Status st = flags ? out->write_block(block_type, with_flags) : out->write_block(block_type, without_flags);
    if (st.ok()) {
      ++events;
      ++section_events;
    }
    return st;
  }

  Status write_section_header() {
    // 28 bytes, no options: the 2022 reader cannot skip SHB options (§4).
    const ShbBody shb;
    return out->write_block(detail::kShb, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&shb), sizeof shb));
  }
};

ScapWriter::ScapWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScapWriter::~ScapWriter() { (void)close(); }

Result<std::unique_ptr<ScapWriter>> ScapWriter::create(const std::string& path, WriterOptions options) {
  auto out = BlockWriter::open(path, options.compress);
  if (!out.ok()) return out.error();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->out = std::move(out.value());
  if (options.format == WriteFormat::Sysdig029) impl->downgrade = std::make_unique<detail::Sysdig029Downgrade>(options.enter_restore == EnterRestore::AllSyscallExits);
  if (Status st = impl->write_section_header(); !st.ok()) return st.error();
  return std::unique_ptr<ScapWriter>(new ScapWriter(std::move(impl)));
}

Status ScapWriter::write_metadata(const CaptureMetadata& md) {
  Impl& w = *impl_;
  if (w.failure) return *w.failure;
  if (w.out->closed()) return w.out->error_here("write after close");
  if (w.section_events > 0)
    return w.out->error_here("metadata must precede the first event block (readers reject it after one)");
  if (w.metadata_written) return w.out->error_here("metadata was already written for this file");
  w.metadata_written = true;
  const auto flavor = w.options.format == WriteFormat::Sysdig029 ? detail::MetadataFlavor::Sysdig029
                                                                  : detail::MetadataFlavor::Newest;
  if (md.machine) {
    detail::encode_machine_info(*md.machine, w.body);
    if (Status st = w.out->write_block(detail::kMi, w.body); !st.ok()) return w.fail(st);
  }
  if (!md.interfaces.empty()) {
    detail::encode_interface_list(md.interfaces, w.body);
    if (Status st = w.out->write_block(detail::kIlV2, w.body); !st.ok()) return w.fail(st);
  }
  if (!md.users.empty() || !md.groups.empty()) {
    detail::encode_user_list(md.users, md.groups, w.body);
    if (Status st = w.out->write_block(detail::kUlV2, w.body); !st.ok()) return w.fail(st);
  }
  if (!md.threads.empty()) {
    detail::encode_process_list(md.threads, flavor, w.body);
    if (Status st = w.out->write_block(detail::kPlV9, w.body); !st.ok()) return w.fail(st);
  }
  std::unordered_set<int64_t> tids;
  for (const ThreadInfo& t : md.threads) tids.insert(t.tid);
  for (const FdList& list : md.fd_lists) {
    if (!tids.count(list.tid)) {
      ++w.fd_lists_dropped;
      continue;
    }
    detail::encode_fd_list(list, flavor, w.body);
    if (Status st = w.out->write_block(detail::kFdlV2, w.body); !st.ok()) return w.fail(st);
  }
  return {};
}

Status ScapWriter::start_section(const CaptureMetadata& metadata) {
  Impl& w = *impl_;
  if (w.failure) return *w.failure;
  if (w.out->closed()) return w.out->error_here("write after close");
  // A section without events makes both readers fail ("no events in file", §1).
  if (w.section_events == 0) return w.out->error_here("the current section has no events yet");
  if (Status st = w.write_section_header(); !st.ok()) return w.fail(st);
  w.section_events = 0;
  w.metadata_written = false;
  return write_metadata(metadata);
}

Status ScapWriter::write_event(const EventView& event) {
  Impl& w = *impl_;
  if (w.failure) return *w.failure;
  if (w.out->closed()) return w.out->error_here("write after close");
  if (!event.valid()) return w.out->error_here("write_event called with an empty event view");
  if (!w.downgrade) return w.fail(w.write_record(event.record(), event.cpu(), event.dump_flags()));
  std::span<const uint8_t> records[2];
  const size_t n = w.downgrade->downgrade(event, records);
  for (size_t i = 0; i < n; ++i)
    if (Status st = w.write_record(records[i], event.cpu(), event.dump_flags()); !st.ok()) return w.fail(st);
  return {};
}

Status ScapWriter::close() {
  if (!impl_ || !impl_->out) return {};
  Status st = impl_->out->close();
  if (!st.ok()) return impl_->fail(st);
  return {};
}

uint64_t ScapWriter::events_written() const { return impl_->events; }
uint64_t ScapWriter::events_skipped() const { return impl_->downgrade ? impl_->downgrade->skipped() : 0; }
uint64_t ScapWriter::enter_events_added() const { return impl_->downgrade ? impl_->downgrade->enters_added() : 0; }
uint64_t ScapWriter::fd_lists_dropped() const { return impl_->fd_lists_dropped; }
uint64_t ScapWriter::bytes_written() const { return impl_->out->offset(); }

}  // namespace vigil::capture
