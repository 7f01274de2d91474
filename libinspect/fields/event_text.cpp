// evt.args / evt.arg / evt.type text, rendered by libcapture's parameter formatting with this
// inspector's state answering the resolutions (fd names, thread names, users, directories).
#include "fields/extract_util.h"
#include "vigil/capture/param_format.h"

namespace vigil::inspect::detail {

namespace {

constexpr size_t kTextCapacity = 65536;

capture::TextBuffer text_over(std::string& s) {
  if (s.size() < kTextCapacity) s.resize(kTextCapacity);  // once per scratch slot
  return capture::TextBuffer(s.data(), s.size());
}

const capture::EventSchema* schema_for(const EventContext& ctx) {
  return capture::display_schema(ctx.event(), ctx.inspector().options().display);
}

}  // namespace

std::string_view render_event_args(const EventContext& ctx) {
  const capture::EventView& ev = ctx.event();
  const capture::EventSchema* schema = schema_for(ctx);
  std::string& s = ctx.text_scratch();
  capture::TextBuffer out = text_over(s);
  if (!schema) return {};
  capture::ParamContext pctx{*schema, ev.tid(), {80, &ctx.inspector().param_resolver()}};
  capture::format_event_args(pctx, ev, (*schema)[ev.type()], out);
  // Like sysdig, every "name=value" is followed by a space, the last one included.
  return out.view();
}

std::string_view render_event_arg(const EventContext& ctx, std::string_view name, int64_t index, bool& found) {
  found = false;
  const capture::EventView& ev = ctx.event();
  const capture::EventSchema* schema = schema_for(ctx);
  if (!schema) return {};
  const capture::EventInfo& info = (*schema)[ev.type()];
  const int i = name.empty() ? static_cast<int>(index) : capture::find_param(info, name);
  if (i < 0 || static_cast<size_t>(i) >= info.params.size() || static_cast<uint32_t>(i) >= ev.nparams()) return {};
  const capture::ParamInfo& pi = info.params[i];
  capture::ParamContext pctx{*schema, ev.tid(), {0, &ctx.inspector().param_resolver()}};
  if (pi.type == capture::ParamType::FsRelPath && pi.dirfd_param >= 0 &&
      static_cast<uint32_t>(pi.dirfd_param) < ev.nparams())
    pctx.dirfd = ev.param(static_cast<uint32_t>(pi.dirfd_param)).as_i64();
  std::string& s = ctx.text_scratch();
  capture::TextBuffer out = text_over(s);
  capture::FixedText<4096> resolved;
  capture::format_param(pctx, ev.param(static_cast<uint32_t>(i)), pi, out, resolved);
  found = true;
  // Like libsinsp, evt.arg is the resolution when there is one ("ENOENT", "<f>/etc/passwd"),
  // else the value.
  if (!resolved.empty()) {
    out.clear();
    out.append(resolved.view());
  }
  return out.view();
}

std::string_view event_type_text(const EventContext& ctx) {
  const capture::EventView& ev = ctx.event();
  const capture::EventSchema* schema = schema_for(ctx);
  if (!schema) return {};
  return capture::event_type_name(ev, (*schema)[ev.type()]);
}

std::string_view render_raw_arg(const EventContext& ctx, const capture::ParamInfo& pi, capture::ParamView p, bool& found) {
  std::string& s = ctx.text_scratch();
  capture::TextBuffer out = text_over(s);
  found = capture::format_param_raw(p, pi, out);
  return out.view();
}

}  // namespace vigil::inspect::detail
