// TokenBucket: Falco's throttle for alerts (outputs.rate/max_burst) and drop actions.
#include <algorithm>

#include "vigil/engine/outputs.h"

namespace vigil::engine {

TokenBucket::TokenBucket(double rate, double max_tokens, uint64_t now_ns)
    : rate_(rate), max_tokens_(max_tokens), tokens_(max_tokens), last_ns_(now_ns) {}

bool TokenBucket::claim(uint64_t now_ns) {
  if (rate_ <= 0) return true;
  if (now_ns > last_ns_) {
    double elapsed_s = static_cast<double>(now_ns - last_ns_) / 1e9;
    tokens_ = std::min(max_tokens_, tokens_ + rate_ * elapsed_s);
    last_ns_ = now_ns;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace vigil::engine
