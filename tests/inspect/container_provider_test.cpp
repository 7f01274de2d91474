// Container metadata providers: what the cgroups alone tell, and a table filled by the embedder.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vigil/inspect/metadata_provider.h"

using namespace vigil::inspect;

namespace {

const std::string kId = "697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3";

ContainerMatch docker_match() {
  std::vector<std::string> cgroups = {"cpuset=/docker/" + kId};
  return container_from_cgroups(cgroups);
}

// Counts lookups, to show the table only falls back for ids it does not hold.
class CountingProvider final : public ContainerMetadataProvider {
 public:
  ContainerMetadata lookup(const ContainerMatch& match) const override {
    ++calls;
    ContainerMetadata md;
    md.id = match.id;
    md.name = "from-fallback";
    return md;
  }
  mutable int calls = 0;
};

}  // namespace

TEST_CASE("the cgroup provider knows a container's ids and runtime and nothing more") {
  CgroupMetadataProvider provider;
  ContainerMetadata md = provider.lookup(docker_match());
  CHECK(md.id == "697956520d89");
  CHECK(md.full_id == kId);
  CHECK(md.type == ContainerType::Docker);
  CHECK_FALSE(md.name.has_value());
  CHECK_FALSE(md.image.has_value());
  CHECK_FALSE(md.privileged.has_value());
  CHECK_FALSE(md.labels.has_value());
  CHECK_FALSE(md.mounts.has_value());
  CHECK_FALSE(md.pod_uid.has_value());
}

TEST_CASE("the cgroup provider describes the host like the plugin's host entry") {
  CgroupMetadataProvider provider;
  ContainerMetadata md = provider.lookup(container_from_cgroups({}));
  CHECK(md.id == "host");
  CHECK(md.full_id == "host");
  CHECK(md.type == ContainerType::Host);
  CHECK(md.name == "host");
  CHECK(md.privileged == false);
  CHECK_FALSE(md.image.has_value());
}

TEST_CASE("the cgroup provider passes a kubernetes pod uid on") {
  std::vector<std::string> cgroups = {
      "cpu=/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/crio-"
      "73bfe475650de66df8e2affdc98d440dcbe84f8df83b6f75a68a82eb7026136a"};
  ContainerMetadata md = CgroupMetadataProvider{}.lookup(container_from_cgroups(cgroups));
  CHECK(md.type == ContainerType::Crio);
  CHECK(md.pod_uid == "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc");
}

TEST_CASE("a metadata table answers for the containers put into it and falls back otherwise") {
  CountingProvider fallback;
  ContainerMetadataTable table(&fallback);
  ContainerMetadata stored;
  stored.id = "697956520d89";
  stored.name = "hopeful_taussig";
  stored.image = "ubuntu:latest";
  stored.privileged = true;
  stored.labels = std::map<std::string, std::string>{{"maintainer", "someone"}};
  stored.mounts = std::vector<ContainerMount>{{"/tmp", "/host-tmp", "", true, "rprivate"}};
  table.put(stored);
  CHECK(table.size() == 1);

  ContainerMetadata md = table.lookup(docker_match());
  CHECK(fallback.calls == 0);
  CHECK(md.name == "hopeful_taussig");
  CHECK(md.image == "ubuntu:latest");
  CHECK(md.privileged == true);
  CHECK(md.full_id == kId);                   // blanks filled from the cgroup match
  CHECK(md.type == ContainerType::Docker);
  REQUIRE(md.mounts.has_value());
  CHECK(md.mounts->at(0).dest == "/host-tmp");

  md = table.lookup(container_from_cgroups({}));
  CHECK(fallback.calls == 1);
  CHECK(md.name == "from-fallback");

  stored.name = "renamed";
  table.put(stored);
  CHECK(table.size() == 1);
  CHECK(table.lookup(docker_match()).name == "renamed");
  CHECK(table.erase("697956520d89"));
  CHECK_FALSE(table.erase("697956520d89"));
  CHECK(table.lookup(docker_match()).name == "from-fallback");
}

TEST_CASE("a metadata table without a fallback uses the cgroup provider") {
  ContainerMetadataTable table;
  ContainerMetadata md = table.lookup(docker_match());
  CHECK(md.id == "697956520d89");
  CHECK_FALSE(md.name.has_value());
}
