// Target (c): parameter and event formatting of arbitrary parameter bytes under every event id
// of both schemas.
#include <algorithm>
#include <vector>

#include "fuzz_io.h"
#include "scap_bytes.h"
#include "vigil/capture/event_format.h"
#include "vigil/capture/param_format.h"

namespace vigil::fuzz {
namespace {

using namespace vigil::capture;

// A record of `id` with `nparams` parameters whose lengths come from the input (u16 each,
// clamped to what is left) and whose bytes follow them.
test::OwnedRecord build_record(uint16_t id, uint32_t nparams, bool large, const uint8_t* data, size_t size) {
  size_t in = 0;
  std::vector<uint32_t> lens(nparams);
  for (uint32_t i = 0; i < nparams; ++i) {
    if (in + 2 <= size) {
      lens[i] = static_cast<uint32_t>(data[in] | (data[in + 1] << 8));
      in += 2;
    }
  }
  std::vector<std::vector<uint8_t>> params(nparams);
  for (uint32_t i = 0; i < nparams; ++i) {
    const size_t n = std::min<size_t>(lens[i], size - in);
    params[i].assign(data + in, data + in + n);
    in += n;
  }
  return test::v2_record(1700000000123456789ull, 42, id, params, large ? 4 : 2);
}

// A resolver that answers every question, so the resolved-name paths run too.
class EverythingResolver final : public ParamResolver {
 public:
  bool fd_name(int64_t, int64_t fd, TextBuffer& out) const override {
    out.append("<f>/tmp/x");
    out.append_i64(fd);
    return true;
  }
  char fd_type_char(int64_t, int64_t) const override { return 'f'; }
  bool thread_comm(int64_t, TextBuffer& out) const override { out.append("comm"); return true; }
  bool user_name(int64_t, uint32_t, TextBuffer& out) const override { out.append("root"); return true; }
  bool group_name(int64_t, uint32_t, TextBuffer& out) const override { out.append("root"); return true; }
  bool base_dir(int64_t, int64_t, TextBuffer& out) const override { out.append("/base/"); return true; }
};

}  // namespace

int event_format(const uint8_t* data, size_t size) {
  static const EventFormat line = EventFormat::parse(kDefaultEventFormat).value();
  static const EventFormat args = EventFormat::parse("%evt.arg[0] %evt.rawarg.fd %evt.res %evt.rawres %evt.arg.name").value();
  static const EverythingResolver resolver;
  FixedText<4096> out;
  FixedText<1024> value, resolved;
  const bool use_resolver = size > 0 && (data[0] & 1);
  for (const EventSchema* schema : {&EventSchema::newest(), &EventSchema::libs_0_29()}) {
    for (size_t id = 0; id < schema->size(); ++id) {
      const EventInfo& info = (*schema)[static_cast<uint16_t>(id)];
      const bool large = info.has(kLargePayload);
      const test::OwnedRecord record =
          build_record(static_cast<uint16_t>(id), static_cast<uint32_t>(info.nparams()), large, data, size);
      const EventInfo* newest_info = EventSchema::newest().find(static_cast<uint16_t>(id));
      const EventView ev(record.bytes.data(), record.offsets.data(), 1, 0, 7, newest_info);
      ParamContext ctx{*schema, ev.tid()};
      ctx.options.resolver = use_resolver ? &resolver : nullptr;
      ctx.options.max_buffer_len = size > 1 ? data[1] : 80;
      for (uint32_t i = 0; i < ev.nparams() && i < info.nparams(); ++i) {
        value.clear();
        resolved.clear();
        format_param(ctx, ev.param(i), info.params[i], value, resolved);
        value.clear();
        format_param_raw(ev.param(i), info.params[i], value);
      }
      out.clear();
      format_event_args(ctx, ev, info, out);
      if (newest_info == nullptr) continue;
      for (DisplaySchema display : {DisplaySchema::Newest, DisplaySchema::Sysdig029}) {
        RenderOptions ro{display, ctx.options};
        out.clear();
        line.render(ev, ro, out);
        out.clear();
        args.render(ev, ro, out);
      }
    }
  }
  return 0;
}

}  // namespace vigil::fuzz
