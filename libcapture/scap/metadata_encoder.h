// Internal: encodes CaptureMetadata into the bodies of the metadata blocks (scap-format.md §5-§9):
// MI, IL_V2, UL_V2, PL_V9 and FDL_V2. The flavor selects between the newest tails and what the
// 2022 reader of sysdig 0.29.3 parses correctly. Pure functions over caller-owned buffers.
#pragma once

#include <cstdint>
#include <vector>

#include "vigil/capture/metadata.h"

namespace vigil::capture::detail {

enum class MetadataFlavor : uint8_t {
  Newest,     // full PL_V9 tail, fd types as given, FILE_V2 dev only when known
  Sysdig029,  // PL_V9 tail <= 29 bytes, fd types 1-16 only, FILE_V2 dev always present
};

// Each function replaces `body` with the block body (without block header, padding or trailer).
void encode_machine_info(const MachineInfo& machine, std::vector<uint8_t>& body);
void encode_interface_list(const std::vector<InterfaceInfo>& interfaces, std::vector<uint8_t>& body);
void encode_user_list(const std::vector<UserInfo>& users, const std::vector<GroupInfo>& groups,
                      std::vector<uint8_t>& body);
void encode_process_list(const std::vector<ThreadInfo>& threads, MetadataFlavor flavor, std::vector<uint8_t>& body);
void encode_fd_list(const FdList& list, MetadataFlavor flavor, std::vector<uint8_t>& body);

}  // namespace vigil::capture::detail
