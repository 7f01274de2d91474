// Container metadata from the container JSON carried by the shared captures' container events.
#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "test_paths.h"
#include "vigil/inspect/metadata_provider.h"

using namespace vigil::inspect;

namespace {

struct PipeCloser {
  void operator()(FILE* f) const { ::pclose(f); }
};

// The JSON argument of the first container event of a capture, as sysdig decodes it.
std::string first_container_json(const std::string& capture) {
  std::string cmd = "sysdig -r '" + capture + "' -p '%evt.arg.json' evt.type=container 2>/dev/null";
  std::unique_ptr<FILE, PipeCloser> pipe(::popen(cmd.c_str(), "r"));
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof(buf), pipe.get()) != nullptr) {
    out += buf;
    if (!out.empty() && out.back() == '\n') break;
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("the privileged nginx container of psp_privileged.scap is read from its container JSON") {
  std::string json = first_container_json(vigil::test::capture_path("psp_privileged.scap"));
  REQUIRE_FALSE(json.empty());
  auto md = container_metadata_from_json(json);
  REQUIRE(md.ok());
  CHECK(md->id == "9dbcbd0c435f");
  CHECK(md->type == ContainerType::Docker);
  CHECK(md->name == "epic_cray");
  CHECK(md->image == "nginx:latest");
  CHECK(md->image_repository == "nginx");
  CHECK(md->image_tag == "latest");
  CHECK(md->image_digest ==
        "sha256:96fb261b66270b900ea5a2c17a26abbfabe95506e73c3a3c65869a6dbe83223a");
  CHECK(md->ip == "172.17.0.2");
  CHECK(md->privileged == true);
  REQUIRE(md->labels.has_value());
  CHECK(md->labels->at("maintainer") == "NGINX Docker Maintainers <docker-maint@nginx.com>");
  REQUIRE(md->mounts.has_value());
  CHECK(md->mounts->empty());
  // The 2022 document has neither a full id nor the host_* flags: they stay unknown.
  CHECK(md->full_id.empty());
  CHECK_FALSE(md->host_pid.has_value());

  ContainerMetadataTable table;
  table.put(*md);
  std::vector<std::string> cgroups = {
      "cpu=/docker/9dbcbd0c435f1bc2b8e0e5ef6e2ac8cef82bf7a8d4b0c9bb6eb0d3dc34d4e7e1"};
  ContainerMetadata looked_up = table.lookup(container_from_cgroups(cgroups));
  CHECK(looked_up.name == "epic_cray");
  CHECK(looked_up.full_id ==
        "9dbcbd0c435f1bc2b8e0e5ef6e2ac8cef82bf7a8d4b0c9bb6eb0d3dc34d4e7e1");
}

TEST_CASE("the container plugin's JSON gives full id, host flags, mounts and creation time") {
  const std::string json = R"({"container":{"Mounts":[{"Destination":"/home/federico",
    "Mode":"","Propagation":"rprivate","RW":true,"Source":"/home/federico"}],
    "created_time":1730971086,"full_id":
    "32a1026ccb88a551e2a38eb8f260b4700aefec7e8c007344057e58a9fa302374","host_ipc":false,
    "host_network":true,"host_pid":false,"id":"32a1026ccb88","image":"fedora:38",
    "imagerepo":"fedora","imagetag":"38","ip":"","labels":null,"name":"youthful_babbage",
    "privileged":false,"type":11}})";
  auto md = container_metadata_from_json(json);
  REQUIRE(md.ok());
  CHECK(md->type == ContainerType::Podman);
  CHECK(md->full_id == "32a1026ccb88a551e2a38eb8f260b4700aefec7e8c007344057e58a9fa302374");
  CHECK(md->host_network == true);
  CHECK(md->host_pid == false);
  CHECK(md->created_ts == 1730971086ull * 1'000'000'000ull);
  CHECK_FALSE(md->ip.has_value());      // empty means unreported
  CHECK_FALSE(md->labels.has_value());  // null
  REQUIRE(md->mounts.has_value());
  REQUIRE(md->mounts->size() == 1);
  CHECK(md->mounts->at(0).read_write);
  CHECK(md->mounts->at(0).propagation == "rprivate");
}

TEST_CASE("malformed container JSON is an error with a position, not a crash") {
  auto md = container_metadata_from_json("{\"container\": {\"id\": \"abc\", \"name\": [}");
  REQUIRE_FALSE(md.ok());
  CHECK(md.error().line == 1);
  CHECK(md.error().column > 0);
  CHECK_FALSE(container_metadata_from_json("{\"other\": 1}").ok());
  CHECK_FALSE(container_metadata_from_json("{\"container\": {\"name\": \"x\"}}").ok());
  CHECK_FALSE(container_metadata_from_json("").ok());
}

TEST_CASE("the bare container object of converted legacy container events is read, escapes included") {
  // What the converter makes of a legacy container event whose name holds quotes and backslashes.
  auto md = container_metadata_from_json(
      R"({"id":"3ad7b26ded6d","type":0,"name":"web \"prod\" \\ C:\\temp","image":"nginx:\"1.25\""})");
  REQUIRE(md.ok());
  CHECK(md->id == "3ad7b26ded6d");
  CHECK(md->type == ContainerType::Docker);
  CHECK(md->name == R"(web "prod" \ C:\temp)");
  CHECK(md->image == R"(nginx:"1.25")");
  CHECK_FALSE(md->labels.has_value());
  // Without the wrapper an object must at least carry an id to be a container.
  CHECK_FALSE(container_metadata_from_json(R"({"name":"web"})").ok());
  CHECK_FALSE(container_metadata_from_json(R"({"container":"3ad7b26ded6d","id":"x"})").ok());
}
