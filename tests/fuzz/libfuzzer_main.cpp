// libFuzzer entry: one executable per target, the target named by VIGIL_FUZZ_TARGET.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vigil::fuzz::VIGIL_FUZZ_TARGET(data, size);
}
