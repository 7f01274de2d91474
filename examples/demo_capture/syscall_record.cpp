#include "syscall_record.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "vigil/capture/record_builder.h"

namespace vigil::demo {

using capture::EventSchema;
using capture::ParamType;

void fail(const std::string& what) {
  std::fprintf(stderr, "vigil-demo-capture: %s\n", what.c_str());
  std::exit(2);
}

std::array<uint8_t, 4> ipv4(std::string_view dotted) {
  std::array<uint8_t, 4> out{};
  size_t part = 0;
  unsigned value = 0;
  bool digits = false;
  for (size_t i = 0; i <= dotted.size(); ++i) {
    if (i == dotted.size() || dotted[i] == '.') {
      if (!digits || part >= 4 || value > 255) fail("not an IPv4 address: " + std::string(dotted));
      out[part++] = static_cast<uint8_t>(value);
      value = 0;
      digits = false;
    } else if (dotted[i] >= '0' && dotted[i] <= '9') {
      value = value * 10 + static_cast<unsigned>(dotted[i] - '0');
      digits = true;
    } else {
      fail("not an IPv4 address: " + std::string(dotted));
    }
  }
  if (part != 4) fail("not an IPv4 address: " + std::string(dotted));
  return out;
}

namespace {

void append_endpoint(std::string& out, Endpoint e) {
  const std::array<uint8_t, 4> ip = ipv4(e.ip);
  out.append(reinterpret_cast<const char*>(ip.data()), ip.size());
  out.append(reinterpret_cast<const char*>(&e.port), sizeof e.port);  // host order (§13.2)
}

bool is_text(ParamType t) { return t == ParamType::CharBuf || t == ParamType::FsPath || t == ParamType::FsRelPath; }

bool is_bytes(ParamType t) {
  return t == ParamType::ByteBuf || t == ParamType::SockTuple || t == ParamType::SockAddr || t == ParamType::Dyn ||
         t == ParamType::FdList;
}

}  // namespace

std::string socket_tuple(Endpoint src, Endpoint dst) {
  std::string out(1, static_cast<char>(capture::kAfInet));
  append_endpoint(out, src);
  append_endpoint(out, dst);
  return out;
}

std::string socket_address(Endpoint at) {
  std::string out(1, static_cast<char>(capture::kAfInet));
  append_endpoint(out, at);
  return out;
}

std::string nul_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += item;
    out += '\0';
  }
  return out;
}

SyscallRecord::SyscallRecord(std::string_view name, uint64_t ts, int64_t tid) : ts_(ts), tid_(tid) {
  // The live driver writes the newest layout of each syscall's exit; an event that only has an
  // enter side (procexit) is written as that.
  const capture::EventInfo* enter = nullptr;
  for (const capture::EventInfo& ev : EventSchema::newest().events()) {
    if (ev.name != name || ev.has(capture::kOldVersion) || ev.has(capture::kUnused)) continue;
    if (ev.direction == capture::Direction::Exit) info_ = &ev;
    else enter = &ev;
  }
  if (!info_) info_ = enter;
  if (!info_) fail("no event called " + std::string(name) + " in the newest schema");
  params_.resize(info_->nparams());
}

size_t SyscallRecord::index_of(std::string_view param) const {
  for (size_t i = 0; i < info_->params.size(); ++i)
    if (info_->params[i].name == param) return i;
  fail(std::string(info_->name) + " has no parameter " + std::string(param));
}

SyscallRecord& SyscallRecord::set(std::string_view param, int64_t value) {
  const size_t i = index_of(param);
  const uint32_t width = capture::fixed_param_size(info_->params[i].type);
  if (width == 0 || width > 8)
    fail(std::string(info_->name) + "." + std::string(param) + " is not an integer parameter");
  params_[i].assign(reinterpret_cast<const char*>(&value), width);  // little-endian: the low bytes
  return *this;
}

SyscallRecord& SyscallRecord::set_text(std::string_view param, std::string_view value) {
  const size_t i = index_of(param);
  if (!is_text(info_->params[i].type))
    fail(std::string(info_->name) + "." + std::string(param) + " is not a text parameter");
  params_[i].assign(value);
  params_[i] += '\0';
  return *this;
}

SyscallRecord& SyscallRecord::set_bytes(std::string_view param, std::string_view bytes) {
  const size_t i = index_of(param);
  if (!is_bytes(info_->params[i].type))
    fail(std::string(info_->name) + "." + std::string(param) + " is not a byte-buffer parameter");
  params_[i].assign(bytes);
  return *this;
}

std::vector<uint8_t> SyscallRecord::encode() const {
  capture::RecordBuilder builder;
  const auto n = static_cast<uint32_t>(params_.size());
  builder.begin(ts_, tid_, info_->id, n, info_->has(capture::kLargePayload) ? 4 : 2);
  for (uint32_t i = 0; i < n; ++i) {
    if (params_[i].empty())
      builder.add_zeros(capture::fixed_param_size(info_->params[i].type));
    else
      builder.add(reinterpret_cast<const uint8_t*>(params_[i].data()), static_cast<uint32_t>(params_[i].size()));
  }
  const std::span<const uint8_t> record = builder.finish();
  return {record.begin(), record.end()};
}

EncodedRecord::EncodedRecord(const SyscallRecord& record) : bytes_(record.encode()) {
  const uint32_t n = capture::load<uint32_t>(bytes_.data() + 22);
  const capture::EventInfo* info = EventSchema::newest().find(record.type());
  const uint32_t len_size = info->has(capture::kLargePayload) ? 4 : 2;
  uint32_t at = capture::EventView::kHeaderSize + n * len_size;
  for (uint32_t i = 0; i < n; ++i) {
    offsets_.push_back(at);
    uint32_t size = 0;
    std::memcpy(&size, bytes_.data() + capture::EventView::kHeaderSize + i * len_size, len_size);
    at += size;
  }
  offsets_.push_back(at);
}

capture::EventView EncodedRecord::view(uint64_t num, uint16_t cpu) const {
  const uint16_t type = capture::load<uint16_t>(bytes_.data() + 20);
  return capture::EventView(bytes_.data(), offsets_.data(), cpu, 0, num, EventSchema::newest().find(type));
}

}  // namespace vigil::demo
