// InspectorOptions::container_engines reaches both ways a thread gets its cgroups: the seeded
// process list and the cgroups parameter of clone/execve events.
#include <catch2/catch.hpp>

#include "event_builder.h"
#include "inspector_test_support.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::enc_list;
using test::TestEvent;

namespace {

const std::string kLeaf = "/process_api/2fcc27b6b31a448318f225716c3063ec";  // this CI host's layout
const std::string kDocker = "7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8";

capture::CaptureMetadata one_thread() {
  capture::ThreadInfo t = test::process_thread(500, "api", "/");
  t.cgroups = {"cpu=/", "memory=" + kLeaf};
  return test::machine_of({t});
}

std::string container_id(const inspect::Inspector& inspector, const inspect::EventContext& ctx) {
  const auto ids = test::field_texts(inspector, ctx, "container.id");
  REQUIRE(ids.has_value());
  REQUIRE(ids->size() == 1);
  return ids->front();
}

// An execve exit of thread 500 whose snapshot puts it in `cgroups`.
TestEvent execve_into(std::initializer_list<std::string_view> cgroups) {
  TestEvent ev("execve", Direction::Exit, 500);
  ev.set("res", enc_i64(0)).set("exe", test::enc_str("/usr/bin/api")).set("cgroups", enc_list(cgroups));
  return ev;
}

}  // namespace

TEST_CASE("a 32-hex leaf below an untrusted parent is the host unless every containerd namespace is trusted") {
  inspect::Inspector strict;
  REQUIRE(strict.seed(one_thread()).ok());
  CHECK(strict.threads().find(500)->container.is_host());

  inspect::InspectorOptions opts;
  opts.container_engines.containerd_namespaces = {"*"};  // the container plugin's behaviour
  inspect::Inspector plugin_like(opts);
  REQUIRE(plugin_like.seed(one_thread()).ok());
  CHECK(plugin_like.threads().find(500)->container.id == "2fcc27b6b31a");

  TestEvent read("read", Direction::Exit, 500);
  read.set("res", enc_i64(0)).set("fd", enc_i64(0));
  CHECK(container_id(strict, strict.process(read.view())) == "host");
  CHECK(container_id(plugin_like, plugin_like.process(read.view())) == "2fcc27b6b31a");
}

TEST_CASE("an execve's cgroups move a thread into a container and back, with the configured engines") {
  inspect::InspectorOptions opts;
  opts.container_engines.docker = false;
  opts.container_engines.cri = false;  // both would claim "/docker/<64 hex>"
  inspect::Inspector no_docker(opts);
  inspect::Inspector all;
  for (inspect::Inspector* inspector : {&all, &no_docker}) REQUIRE(inspector->seed(one_thread()).ok());

  TestEvent into = execve_into({"unified=/docker/" + kDocker, "cpu=/", "memory=" + kLeaf});
  CHECK(container_id(all, all.process(into.view())) == kDocker.substr(0, 12));
  CHECK(all.threads().find(500)->container.type == inspect::ContainerType::Docker);
  CHECK(container_id(no_docker, no_docker.process(into.view())) == "host");

  TestEvent back = execve_into({"cpu=/", "memory=" + kLeaf});
  CHECK(container_id(all, all.process(back.view())) == "host");
}
