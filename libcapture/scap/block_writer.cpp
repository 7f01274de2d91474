#include "scap/block_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace vigil::capture::detail {

namespace {
constexpr unsigned kGzBufferSize = 256 * 1024;
constexpr uint8_t kZeroPad[4] = {0, 0, 0, 0};
}  // namespace

Result<std::unique_ptr<BlockWriter>> BlockWriter::open(const std::string& path, bool compress) {
  // O_NOFOLLOW: a symlink planted at the output path must not redirect the write elsewhere.
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"cannot create capture file: " + std::string(std::strerror(errno)), path};
  // "wbT" writes the bytes as they are: the same gz layer then serves both forms (§1).
  gzFile gz = gzdopen(fd, compress ? "wb" : "wbT");
  if (gz == nullptr) {
    ::close(fd);
    return Error{"cannot start the zlib stream", path};
  }
  gzbuffer(gz, kGzBufferSize);
  return std::unique_ptr<BlockWriter>(new BlockWriter(path, gz));
}

BlockWriter::~BlockWriter() { (void)close(); }

Error BlockWriter::error_here(std::string message) const {
  Error e{std::move(message), path_};
  e.byte_offset = offset_;
  return e;
}

Status BlockWriter::put(const void* data, size_t size) {
  if (size == 0) return {};
  // gzwrite takes an unsigned length; event blocks can exceed it only in theory, so loop.
  const auto* p = static_cast<const uint8_t*>(data);
  while (size > 0) {
    const unsigned chunk = size > (1u << 30) ? (1u << 30) : static_cast<unsigned>(size);
    if (gzwrite(static_cast<gzFile>(file_), p, chunk) != static_cast<int>(chunk)) {
      int zerr = 0;
      const char* msg = gzerror(static_cast<gzFile>(file_), &zerr);
      std::string why = zerr == Z_ERRNO ? std::strerror(errno) : (msg ? msg : "zlib error");
      return error_here("write failed: " + why);
    }
    p += chunk;
    size -= chunk;
  }
  return {};
}

Status BlockWriter::write_block(uint32_t type, std::span<const std::span<const uint8_t>> parts) {
  if (file_ == nullptr) return error_here("write after close");
  uint64_t body = 0;
  for (const auto& part : parts) body += part.size();
  const uint64_t total = roundup4(8 + body + 4);
  if (total > UINT32_MAX) return error_here("block of " + std::to_string(total) + " bytes exceeds the 4 GiB limit");
  const uint32_t header[2] = {type, static_cast<uint32_t>(total)};
  const uint64_t start = offset_;
  Status st = put(header, sizeof header);
  for (const auto& part : parts)
    if (st.ok()) st = put(part.data(), part.size());
  if (st.ok()) st = put(kZeroPad, roundup4(body) - body);
  if (st.ok()) st = put(&header[1], 4);
  if (!st.ok()) return st;
  offset_ = start + total;
  return {};
}

Status BlockWriter::close() {
  if (file_ == nullptr) return {};
  const int rc = gzclose(static_cast<gzFile>(file_));
  file_ = nullptr;
  if (rc != Z_OK) return error_here("closing the file failed (zlib code " + std::to_string(rc) + ")");
  return {};
}

}  // namespace vigil::capture::detail
