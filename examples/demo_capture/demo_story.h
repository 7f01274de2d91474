// The demo capture's story: a small web server, "demo-host", on a quiet morning (an admin
// looking at logs, cron rotating them, requests served by nginx and by a container) until an
// attacker comes in through the web application, opens a reverse shell, becomes root and
// cleans up behind them, and someone opens a shell inside a container.
//
// Made up from start to end: no process list, path or environment of a real machine.
#pragma once

#include <cstdint>

#include "scripted_host.h"

namespace vigil::demo {

// 2025-03-04 09:30:00 UTC: the first event's timestamp.
constexpr uint64_t kDemoStartNs = 1'741'080'600ull * 1'000'000'000ull;

// The machine the story happens on: demo-host, 2 CPUs, 4 GiB, booted three days earlier.
capture::MachineInfo demo_machine();

// Sets up demo-host (interfaces, users, groups, running processes) and plays the story on it.
void play_demo_story(DemoHost& host);

}  // namespace vigil::demo
