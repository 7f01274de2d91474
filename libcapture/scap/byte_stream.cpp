#include "scap/byte_stream.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vigil::capture::detail {

struct ByteStream::Inflater {
  z_stream zs{};
  bool member_done = false;  // between two gzip members (or at the end of the last one)
  Inflater() { inflateInit2(&zs, 16 + MAX_WBITS); }
  ~Inflater() { inflateEnd(&zs); }
};

ByteStream::ByteStream() = default;

ByteStream::~ByteStream() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ByteStream::open(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return std::strerror(errno);
  in_.resize(kInputChunk);
  while (in_end_ < 2 && !in_eof_)
    if (!read_input()) break;
  if (!failure_.empty()) return failure_;
  compressed_ = in_end_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b;
  if (compressed_) inflater_ = std::make_unique<Inflater>();
  buf_.resize(kWindowSize);
  return {};
}

bool ByteStream::read_input() {
  if (in_pos_ > 0) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
    in_end_ -= in_pos_;
    in_pos_ = 0;
  }
  for (;;) {
    const ssize_t got = ::read(fd_, in_.data() + in_end_, in_.size() - in_end_);
    if (got > 0) {
      in_end_ += static_cast<size_t>(got);
      return true;
    }
    if (got == 0) {
      in_eof_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    failure_ = std::string("read error: ") + std::strerror(errno);
    in_eof_ = true;
    return false;
  }
}

size_t ByteStream::fill(size_t n) {
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    base_offset_ += pos_;
    pos_ = 0;
  }
  while (end_ < n && !eof_) {
    if (end_ == buf_.size()) {
      // Grow by doubling, never past what was asked: a hostile block length costs memory only
      // in proportion to the bytes the file really holds.
      buf_.resize(std::min(n, buf_.size() * 2));
    }
    if (!produce()) eof_ = true;
  }
  return available();
}

uint64_t ByteStream::skip(uint64_t n) {
  uint64_t skipped = 0;
  while (skipped < n) {
    if (available() == 0 && fill(1) == 0) break;
    const size_t k = static_cast<size_t>(std::min<uint64_t>(available(), n - skipped));
    consume(k);
    skipped += k;
  }
  return skipped;
}

bool ByteStream::produce() {
  if (compressed_) return produce_gzip();
  if (in_pos_ < in_end_) {  // the bytes sniffed at open() come first
    const size_t k = std::min(in_end_ - in_pos_, buf_.size() - end_);
    std::memcpy(buf_.data() + end_, in_.data() + in_pos_, k);
    in_pos_ += k;
    end_ += k;
    return true;
  }
  if (in_eof_) return false;
  for (;;) {
    const ssize_t got = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (got > 0) {
      end_ += static_cast<size_t>(got);
      return true;
    }
    if (got == 0) {
      in_eof_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    failure_ = std::string("read error: ") + std::strerror(errno);
    in_eof_ = true;
    return false;
  }
}

bool ByteStream::produce_gzip() {
  z_stream& zs = inflater_->zs;
  for (;;) {
    if (in_pos_ == in_end_ && !in_eof_) read_input();
    if (inflater_->member_done) {
      // Another member may follow (concatenated files). Anything else after a member is
      // ignored, as zlib's gz layer does.
      while (in_end_ - in_pos_ < 2 && !in_eof_)
        if (!read_input()) break;
      if (in_end_ - in_pos_ < 2 || in_[in_pos_] != 0x1f || in_[in_pos_ + 1] != 0x8b) return false;
      inflateReset(&zs);
      inflater_->member_done = false;
    }
    zs.next_in = in_.data() + in_pos_;
    zs.avail_in = static_cast<uInt>(in_end_ - in_pos_);
    zs.next_out = buf_.data() + end_;
    zs.avail_out = static_cast<uInt>(buf_.size() - end_);
    const int ret = inflate(&zs, Z_NO_FLUSH);
    const size_t produced = (buf_.size() - end_) - zs.avail_out;
    in_pos_ = in_end_ - zs.avail_in;
    end_ += produced;
    if (ret == Z_STREAM_END) {
      inflater_->member_done = true;
      if (produced > 0) return true;
      continue;
    }
    if (ret == Z_OK) {
      if (produced > 0) return true;
      continue;
    }
    if (ret == Z_BUF_ERROR && in_pos_ == in_end_) {
      if (produced > 0) return true;
      if (in_eof_) {
        if (failure_.empty()) failure_ = "compressed stream truncated";
        return false;
      }
      continue;
    }
    failure_ = std::string("corrupt compressed data (") + (zs.msg ? zs.msg : "zlib error") + ")";
    return false;
  }
}

}  // namespace vigil::capture::detail
