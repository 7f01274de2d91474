// Container ids from real-world cgroup paths of each runtime, as the container plugin finds them,
// and the host layouts that must not be mistaken for containers.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vigil/inspect/container.h"

using namespace vigil::inspect;

namespace {

const std::string kId = "7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8";
const std::string kOuter = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kPodSystemd = "kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice";
const std::string kPodUid = "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc";

struct Case {
  const char* what;
  std::string cgroup;
  std::string id;       // "" = the host
  ContainerType type;
  std::string pod_uid;
};

void check_cases(const std::vector<Case>& cases, const ContainerEngines& engines = {}) {
  for (const Case& c : cases) {
    INFO(c.what << ": " << c.cgroup);
    auto m = match_container_cgroup(c.cgroup, engines);
    if (c.id.empty()) {
      CHECK_FALSE(m.has_value());
      continue;
    }
    REQUIRE(m.has_value());
    CHECK(m->id == c.id);
    CHECK(container_type_name(m->type) == container_type_name(c.type));
    CHECK(m->pod_uid == c.pod_uid);
    CHECK(m->cgroup == c.cgroup);
    CHECK(m->full_id.substr(0, m->id.size()) == m->id);
    if (m->id.size() == 12 && c.cgroup.find(kId) != std::string::npos) CHECK(m->full_id == kId);
  }
}

}  // namespace

// Every layout the falcosecurity container plugin's engines accept (matchers/*.cpp and its
// test/matchers.cpp), as the runtimes really create them. cgroup v1 lists one such path per
// controller, v2 one unified path; both spell the same path, so one row covers both unless the
// runtime lays them out differently.
TEST_CASE("every runtime's cgroup layout yields the short id, the full id and the runtime") {
  check_cases({
      // docker
      {"docker, cgroupfs driver (v1 and v2)", "/docker/" + kId, "7951fb549ab9", ContainerType::Docker, ""},
      {"docker, systemd driver (v1 and v2)", "/system.slice/docker-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Docker, ""},
      {"docker with --cgroup-parent, cgroupfs driver", "/ci-jobs/runner-3/" + kId, "7951fb549ab9",
       ContainerType::Docker, ""},
      {"rootless docker, systemd driver (v2)",
       "/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Docker, ""},
      {"docker in docker: the inner container", "/docker/" + kOuter + "/docker/" + kId, "7951fb549ab9",
       ContainerType::Docker, ""},
      {"a docker-named container below a non-runtime v1 cgroup (vigil's fake container)",
       "/process_api/2fcc27b6b31a448318f225716c3063ec/docker/" + kId, "7951fb549ab9",
       ContainerType::Docker, ""},
      // containerd through CRI (kubernetes)
      {"containerd in kubernetes, systemd driver",
       "/kubepods.slice/kubepods-burstable.slice/"
       "kubepods-burstable-pod5a9e6f7b_1c2d_4e3f_8a9b_0c1d2e3f4a5b.slice/cri-containerd-" + kId + ".scope",
       "7951fb549ab9", ContainerType::Containerd, "5a9e6f7b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"},
      {"containerd in kubernetes, cgroupfs driver",
       "/kubepods/besteffort/podac04f3f2-1f2c-11e9-b015-1ebee232acfa/"
       "605439acbd4fb18c145069289094b17f17e0cfa938f78012d4960bc797305f22",
       "605439acbd4f", ContainerType::Cri, "ac04f3f2-1f2c-11e9-b015-1ebee232acfa"},
      {"kubernetes guaranteed pod, cgroupfs driver", "/kubepods/pod0e2d6ad7-7ab4-4d2c-9e3c-0ac3d0bbf7a2/" + kId,
       "7951fb549ab9", ContainerType::Cri, "0e2d6ad7-7ab4-4d2c-9e3c-0ac3d0bbf7a2"},
      {"containerd without SystemdCgroup",
       "/kubepods-burstable-podbd12dd3393227d950605a2444b13c27a.slice:cri-containerd:"
       "d52db56a9c80d536a91354c0951c061187ca46249e64865a12703003d8f42366",
       "d52db56a9c80", ContainerType::Containerd, ""},  // a static pod's hash is not a uid
      {"kind: a pod's container inside a kind node container",
       "/docker/" + kOuter + "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/" +
           kPodSystemd + "/cri-containerd-" + kId + ".scope",
       "7951fb549ab9", ContainerType::Containerd, kPodUid},
      {"cri-dockerd, systemd driver", "/kubepods.slice/kubepods-besteffort.slice/" + kPodSystemd + "/docker-" + kId + ".scope",
       "7951fb549ab9", ContainerType::Docker, kPodUid},
      // cri-o
      {"cri-o, cgroupfs driver",
       "/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/crio-"
       "73bfe475650de66df8e2affdc98d440dcbe84f8df83b6f75a68a82eb7026136a",
       "73bfe475650d", ContainerType::Crio, kPodUid},
      {"cri-o, systemd driver",
       "/kubepods.slice/kubepods-besteffort.slice/" + kPodSystemd + "/crio-"
       "17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f.scope",
       "17d8c9eacc62", ContainerType::Crio, kPodUid},
      {"cri-o with crun's container sub-cgroup (v2)",
       "/kubepods.slice/kubepods-besteffort.slice/" + kPodSystemd + "/crio-" + kId + ".scope/container",
       "7951fb549ab9", ContainerType::Crio, kPodUid},
      // podman
      {"podman as root, systemd driver", "/machine.slice/libpod-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Podman, ""},
      {"podman as root with the container sub-cgroup (v2)", "/machine.slice/libpod-" + kId + ".scope/container",
       "7951fb549ab9", ContainerType::Podman, ""},
      {"rootless podman",
       "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope/container",
       "7951fb549ab9", ContainerType::Podman, ""},
      {"podman, cgroupfs driver", "/libpod_parent/libpod-" + kId, "7951fb549ab9", ContainerType::Podman, ""},
      {"podman, cgroup mode split",
       "/system.slice/system-ceph.slice/ceph@mon.service/libpod-payload-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Podman, ""},
      // containerd without kubernetes
      {"nerdctl, systemd driver", "/system.slice/nerdctl-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Containerd, ""},
      {"nerdctl, cgroupfs driver (64-hex id: docker's layout claims it first)", "/default/" + kId,
       "7951fb549ab9", ContainerType::Docker, ""},
      {"ctr in the default namespace", "/default/test_container", "test_contain", ContainerType::Containerd, ""},
      {"ctr in the k8s.io namespace", "/k8s.io/my-test_container", "my-test_cont", ContainerType::Containerd, ""},
      {"ctr with a one-character id", "/default/a", "a", ContainerType::Containerd, ""},
      // lxc, libvirt, bpm
      {"lxc, cgroupfs (v1)", "/lxc/web01", "web01", ContainerType::Lxc, ""},
      {"lxc, systemd", "/lxc.payload/web01", "web01", ContainerType::Lxc, ""},
      {"lxc 4.0 (v2)", "/lxc.payload.web01", "web01", ContainerType::Lxc, ""},
      {"lxc 4.0, a process in a systemd unit of the guest", "/lxc.payload.web01/system.slice/cron.service",
       "web01", ContainerType::Lxc, ""},
      {"libvirt lxc with systemd", "/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope",
       "2293906\\x2dlibvirt\\x2dcontainer", ContainerType::LibvirtLxc, ""},
      {"libvirt lxc with systemd, libvirt sub-cgroup",
       "/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope/libvirt",
       "2293906\\x2dlibvirt\\x2dcontainer", ContainerType::LibvirtLxc, ""},
      {"libvirt lxc without systemd", "/machine/ubuntu-vm.libvirt-lxc", "ubuntu-vm", ContainerType::LibvirtLxc, ""},
      {"libvirt lxc, legacy layout (the lxc engine, tried first, claims it)", "/libvirt/lxc/legacy-guest",
       "legacy-guest", ContainerType::Lxc, ""},
      {"cloud foundry bpm, systemd", "/system.slice/bpm-my-job_1.scope", "my-job_1", ContainerType::Bpm, ""},
      {"cloud foundry bpm, cgroupfs", "/bpm-my-job_1", "my-job_1", ContainerType::Bpm, ""},
  });
}

// Host cgroups that must stay the host: what systemd, login sessions, runtimes' own helpers and
// hosting platforms create. "/process_api/<32 hex>" is this CI host's own layout.
TEST_CASE("host cgroup layouts, runtime helpers and non-runtime hex leaves are the host") {
  check_cases({
      {"this CI host's process tree", "/process_api/2fcc27b6b31a448318f225716c3063ec", "", ContainerType::Host, ""},
      {"a 32-hex leaf below another parent", "/batch/0123456789abcdef0123456789abcdef", "", ContainerType::Host, ""},
      {"a short name below a namespace-like parent", "/jobs/nightly-build", "", ContainerType::Host, ""},
      {"a 63-hex leaf", "/docker/" + kId.substr(0, 63), "", ContainerType::Host, ""},
      {"an id of 65 hex digits", "/docker/" + kId + "a", "", ContainerType::Host, ""},
      {"an id with a non-hex character", "/machine.slice/libpod-" + kId.substr(0, 63) + "g.scope", "",
       ContainerType::Host, ""},
      {"the root cgroup", "/", "", ContainerType::Host, ""},
      {"systemd's init scope", "/init.scope", "", ContainerType::Host, ""},
      {"a login session", "/user.slice/user-1000.slice/session-3.scope", "", ContainerType::Host, ""},
      {"a desktop app scope",
       "/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/"
       "vte-spawn-5344486b-2f3a-4de3-85d7-4cab5f76db2b.scope",
       "", ContainerType::Host, ""},
      {"a user manager's init", "/user.slice/user-1000.slice/user@1000.service/init.scope", "", ContainerType::Host, ""},
      {"a system service", "/system.slice/foo.service", "", ContainerType::Host, ""},
      {"a templated service", "/system.slice/system-getty.slice/getty@tty1.service", "", ContainerType::Host, ""},
      {"the container runtime daemons", "/system.slice/containerd.service", "", ContainerType::Host, ""},
      {"docker's daemon", "/system.slice/docker.service", "", ContainerType::Host, ""},
      {"cri-o's conmon",
       "/kubepods.slice/kubepods-besteffort.slice/" + kPodSystemd + "/crio-conmon-" + kId + ".scope", "",
       ContainerType::Host, ""},
      {"podman's conmon", "/machine.slice/libpod-conmon-" + kId + ".scope", "", ContainerType::Host, ""},
      {"lxc's monitor", "/lxc.monitor.web01", "", ContainerType::Host, ""},
      {"a kubernetes pod's own cgroup", "/kubepods.slice/kubepods-besteffort.slice/" + kPodSystemd, "",
       ContainerType::Host, ""},
      {"the kubelet", "/system.slice/kubelet.service", "", ContainerType::Host, ""},
      {"a systemd-nspawn machine", "/machine.slice/machine-debian.scope", "", ContainerType::Host, ""},
      {"ctr namespace rule: systemd units are not container ids", "/default/some_short_id.service", "",
       ContainerType::Host, ""},
      {"ctr namespace rule: slices either", "/default/some_short_id.slice", "", ContainerType::Host, ""},
      {"ctr namespace rule: scopes either", "/default/some_short_id.scope", "", ContainerType::Host, ""},
  });
}

TEST_CASE("the containerd namespace engine trusts only the namespaces it is given") {
  // The plugin takes any "/<namespace>/<name>" path; with "*" vigil does too.
  ContainerEngines any_namespace;
  any_namespace.containerd_namespaces = {"*"};
  check_cases({{"this CI host's process tree", "/process_api/4cc2d55b86237b3f1e800952726e263c", "4cc2d55b8623",
                ContainerType::Containerd, ""},
               {"a namespace with dots and dashes", "/my_very_long_namespace-1.5/test_container", "test_contain",
                ContainerType::Containerd, ""},
               {"an lxc cgroup, which the containerd engine, tried first, claims", "/lxc/mycontainer",
                "mycontainer", ContainerType::Containerd, ""}},
              any_namespace);
  auto m = match_container_cgroup("/process_api/4cc2d55b86237b3f1e800952726e263c", any_namespace);
  REQUIRE(m.has_value());
  CHECK(m->full_id == "4cc2d55b86237b3f1e800952726e263c");

  ContainerEngines buildkit;
  buildkit.containerd_namespaces = {"buildkit"};
  check_cases({{"an added namespace", "/buildkit/x7k2p9", "x7k2p9", ContainerType::Containerd, ""},
               {"a default one no longer listed", "/default/test_container", "", ContainerType::Host, ""}},
              buildkit);
}

TEST_CASE("the runtimes are tried in the plugin's order and each can be turned off") {
  ContainerEngines libvirt_only{.podman = false, .docker = false, .cri = false, .containerd = false,
                                .lxc = false, .libvirt_lxc = true, .bpm = false};
  // The legacy libvirt layout contains "/lxc/", which the lxc matcher, tried earlier, claims.
  auto m = match_container_cgroup("/libvirt/lxc/legacy-guest", libvirt_only);
  REQUIRE(m.has_value());
  CHECK(m->type == ContainerType::LibvirtLxc);
  CHECK(m->id == "legacy-guest");

  ContainerEngines no_containerd;
  no_containerd.containerd = false;
  CHECK_FALSE(match_container_cgroup("/default/test_container", no_containerd).has_value());
  ContainerEngines no_docker;
  no_docker.docker = false;
  m = match_container_cgroup("/docker/" + kId, no_docker);  // the cri engine's cgroupfs layout
  REQUIRE(m.has_value());
  CHECK(m->type == ContainerType::Cri);

  ContainerEngines none{.podman = false, .docker = false, .cri = false, .containerd = false, .lxc = false,
                        .libvirt_lxc = false, .bpm = false};
  CHECK_FALSE(match_container_cgroup("/docker/" + kId, none).has_value());
}

TEST_CASE("a thread's cgroup list gives its container, or the host") {
  // A docker container's cgroups as stored in psp_write_tmp_test.scap's process list.
  std::vector<std::string> docker = {"cpuset=/docker/" + kId, "blkio=/docker/" + kId, "rdma=/",
                                     "name=systemd=/docker/" + kId};
  ContainerMatch m = container_from_cgroups(docker);
  CHECK(m.id == "7951fb549ab9");
  CHECK(m.full_id == kId);
  CHECK(m.type == ContainerType::Docker);
  CHECK(m.cgroup == "/docker/" + kId);
  CHECK_FALSE(m.is_host());

  // The first matching item wins, even a named hierarchy's.
  std::vector<std::string> named = {"cpuset=/", "name=systemd=/docker/" + kId};
  m = container_from_cgroups(named);
  CHECK(m.id == "7951fb549ab9");
  CHECK(m.cgroup == "systemd=/docker/" + kId);

  std::vector<std::string> host = {"cpuset=/", "memory=/user.slice",
                                   "name=systemd=/user.slice/user-501.slice/session-3.scope"};
  m = container_from_cgroups(host);
  CHECK(m.is_host());
  CHECK(m.id == "host");
  CHECK(m.full_id == "host");
  CHECK(container_type_name(m.type) == "host");
  CHECK(m.cgroup.empty());
  CHECK(container_from_cgroups({}).is_host());

  // A pod's own cgroup (no container leaf yet) still tells the pod uid.
  std::vector<std::string> pod = {
      "cpu=/kubepods.slice/kubepods-besteffort.slice/"
      "kubepods-besteffort-pod93f64796_43b9_468d_b77b_c652c985d5e0.slice"};
  m = container_from_cgroups(pod);
  CHECK(m.is_host());
  CHECK(m.pod_uid == "93f64796-43b9-468d-b77b-c652c985d5e0");
}

TEST_CASE("a thread on this CI host's cgroup layout is on the host") {
  // /proc/self/cgroup here: every v1 hierarchy at "/" but memory, in a 32-hex leaf.
  std::vector<std::string> ours = {"name=systemd=/", "pids=/", "blkio=/", "freezer=/", "devices=/",
                                   "memory=/process_api/2fcc27b6b31a448318f225716c3063ec",
                                   "cpuset=/", "cpuacct=/", "cpu=/"};
  ContainerMatch m = container_from_cgroups(ours);
  CHECK(m.is_host());
  CHECK(m.id == "host");
}

TEST_CASE("the unified item names a v2 container whose leaf has no controllers") {
  // A pure v2 host: the container's leaf enables no controller, so every controller's item shows
  // the parent; only the driver's (and the /proc snapshot's) unified item names the leaf.
  std::vector<std::string> v2 = {"unified=/system.slice/docker-" + kId + ".scope", "cpu=/system.slice",
                                 "memory=/system.slice", "pids=/system.slice"};
  ContainerMatch m = container_from_cgroups(v2);
  CHECK(m.id == "7951fb549ab9");
  CHECK(m.type == ContainerType::Docker);
  CHECK(m.cgroup == "/system.slice/docker-" + kId + ".scope");
  v2.erase(v2.begin());
  CHECK(container_from_cgroups(v2).is_host());

  // Nested: the unified item is the thread's own cgroup, so the inner container wins over the
  // outer one its controllers' items show.
  std::vector<std::string> nested = {"unified=/docker/" + kOuter + "/docker/" + kId, "memory=/docker/" + kOuter};
  CHECK(container_from_cgroups(nested).id == "7951fb549ab9");
}

TEST_CASE("pod uids are found in both the cgroupfs and the systemd spelling") {
  CHECK(pod_uid_from_cgroup("/kubepods/burstable/pod05869489-8c7f-45dc-9abd-1b1620787bb1/x") ==
        "05869489-8c7f-45dc-9abd-1b1620787bb1");
  CHECK(pod_uid_from_cgroup("/kubepods.slice/kubepods-burstable.slice/"
                            "kubepods-burstable-pod05869489_8c7f_45dc_9abd_1b1620787bb1.slice") ==
        "05869489-8c7f-45dc-9abd-1b1620787bb1");
  CHECK(pod_uid_from_cgroup("/kubepods/pod05869489-8c7f-45dc-9abd").empty());  // cut short
  CHECK(pod_uid_from_cgroup("/kubepods/podXYZ89489-8c7f-45dc-9abd-1b1620787bb1").empty());
  CHECK(pod_uid_from_cgroup("/system.slice/cron.service").empty());
}

TEST_CASE("container types print with the plugin's names") {
  CHECK(container_type_name(ContainerType::Docker) == "docker");
  CHECK(container_type_name(ContainerType::Crio) == "cri-o");
  CHECK(container_type_name(ContainerType::Cri) == "cri");
  CHECK(container_type_name(ContainerType::Containerd) == "containerd");
  CHECK(container_type_name(ContainerType::Podman) == "podman");
  CHECK(container_type_name(ContainerType::LibvirtLxc) == "libvirt-lxc");
  CHECK(container_type_name(ContainerType::Host) == "host");
  CHECK(container_type_name(ContainerType::Unknown).empty());
}
