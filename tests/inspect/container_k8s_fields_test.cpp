// container.cni.json and the k8s.pod.* fields, supplied through a metadata provider or a
// capture's container JSON.
#include <catch2/catch.hpp>

#include <optional>

#include "event_builder.h"
#include "inspector_test_support.h"
#include "vigil/inspect/inspector.h"
#include "vigil/inspect/metadata_provider.h"

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::TestEvent;

namespace {

const std::string kContainer = "73bfe475650de66df8e2affdc98d440dcbe84f8df83b6f75a68a82eb7026136a";
const std::string kSandbox = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
const std::string kCni = R"({"interfaces":[{"name":"eth0"}],"ips":[{"address":"10.244.0.7/24"}]})";

// What a CRI runtime client would answer for the one pod container of the test.
class PodProvider final : public inspect::ContainerMetadataProvider {
 public:
  inspect::ContainerMetadata lookup(const inspect::ContainerMatch& match) const override {
    ++calls;
    inspect::ContainerMetadata md;
    md.id = match.id;
    md.full_id = match.full_id;
    md.type = match.type;
    if (match.full_id != kContainer) return md;
    md.name = "k8s_nginx_web-0_shop_63b3ebfc";
    md.ip = "10.244.0.7";
    md.cni_json = kCni;
    md.pod_name = "web-0";
    md.pod_namespace = "shop";
    md.pod_sandbox_id = kSandbox;
    md.labels = std::map<std::string, std::string>{{"io.kubernetes.container.name", "nginx"}};
    md.pod_labels = std::map<std::string, std::string>{{"app", "web"}, {"tier", "front"}};
    return md;
  }
  mutable int calls = 0;
};

capture::CaptureMetadata pod_and_host() {
  capture::ThreadInfo pod = test::process_thread(300, "nginx", "/");
  pod.cgroups = {"cpu=/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/crio-" + kContainer};
  return test::machine_of({pod, test::process_thread(400, "sshd", "/")});
}

std::string show(const inspect::Inspector& inspector, const inspect::EventContext& ctx, std::string_view field,
                 std::optional<std::string_view> arg = std::nullopt) {
  const auto texts = test::field_texts(inspector, ctx, field, arg);
  if (!texts) return "<NA>";
  REQUIRE(texts->size() == 1);
  return texts->front();
}

const inspect::EventContext& some_event(inspect::Inspector& inspector, TestEvent& ev) { return inspector.process(ev.view()); }

}  // namespace

TEST_CASE("a metadata provider's pod facts reach container.cni.json and the k8s.pod fields") {
  PodProvider provider;
  inspect::InspectorOptions opts;
  opts.container_provider = &provider;
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(pod_and_host()).ok());

  TestEvent in_pod("read", Direction::Exit, 300);
  in_pod.set("res", enc_i64(0)).set("fd", enc_i64(0));
  const auto& ctx = some_event(inspector, in_pod);
  CHECK(show(inspector, ctx, "container.cni.json") == kCni);
  CHECK(show(inspector, ctx, "k8s.pod.cni.json") == kCni);
  CHECK(show(inspector, ctx, "k8s.pod.name") == "web-0");
  CHECK(show(inspector, ctx, "k8s.ns.name") == "shop");
  CHECK(show(inspector, ctx, "k8s.pod.uid") == "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc");
  CHECK(show(inspector, ctx, "k8s.pod.ip") == "10.244.0.7");
  CHECK(show(inspector, ctx, "k8s.pod.sandbox_id") == kSandbox.substr(0, 12));
  CHECK(show(inspector, ctx, "k8s.pod.full_sandbox_id") == kSandbox);
  CHECK(show(inspector, ctx, "k8s.pod.label", "app") == "web");
  CHECK(show(inspector, ctx, "k8s.pod.label", "io.kubernetes.container.name") == "<NA>");  // a container label
  CHECK(show(inspector, ctx, "k8s.pod.labels") == "app:web,tier:front");
  CHECK(show(inspector, ctx, "container.label", "io.kubernetes.container.name") == "nginx");
  CHECK(show(inspector, ctx, "k8s.deployment.name") == "<NA>");  // gone from the libs as well

  // The host has no pod: none of it applies.
  TestEvent on_host("read", Direction::Exit, 400);
  on_host.set("res", enc_i64(0)).set("fd", enc_i64(0));
  const auto& host = some_event(inspector, on_host);
  CHECK(show(inspector, host, "container.cni.json") == "<NA>");
  CHECK(show(inspector, host, "k8s.pod.ip") == "<NA>");
  CHECK(show(inspector, host, "k8s.pod.sandbox_id") == "<NA>");
  CHECK(show(inspector, host, "k8s.pod.labels") == "<NA>");

  // Asked once per container, whatever the number of events and fields.
  const int calls = provider.calls;
  for (int i = 0; i < 10; ++i) show(inspector, some_event(inspector, in_pod), "k8s.pod.cni.json");
  CHECK(provider.calls == calls);
}

TEST_CASE("container JSON carries the pod sandbox, its labels and the CNI result") {
  const std::string json = R"({"container":{"id":"73bfe475650d","full_id":")" + kContainer +
                           R"(","type":6,"ip":"10.244.0.7","pod_sandbox_id":")" + kSandbox +
                           R"(","pod_sandbox_labels":{"app":"web"},"cni_json":"{\"ips\":[]}","labels":{"a":"b"}}})";
  auto md = inspect::container_metadata_from_json(json);
  REQUIRE(md.ok());
  CHECK(md->pod_sandbox_id == kSandbox);
  REQUIRE(md->pod_labels.has_value());
  CHECK(md->pod_labels->at("app") == "web");
  CHECK(md->cni_json == std::string(R"({"ips":[]})"));
  CHECK(md->labels->at("a") == "b");

  auto bare = inspect::container_metadata_from_json(R"({"container":{"id":"73bfe475650d"}})");
  REQUIRE(bare.ok());
  CHECK_FALSE(bare->pod_sandbox_id.has_value());
  CHECK_FALSE(bare->pod_labels.has_value());
  CHECK_FALSE(bare->cni_json.has_value());
}
