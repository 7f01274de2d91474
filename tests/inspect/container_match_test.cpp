// Container ids from real-world cgroup paths of each runtime, as the container plugin finds them.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vigil/inspect/container.h"

using namespace vigil::inspect;

namespace {

const std::string kId = "7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8";

struct Case {
  const char* what;
  std::string cgroup;
  std::string id;       // "" = no match
  ContainerType type;
  std::string pod_uid;
};

}  // namespace

TEST_CASE("runtime cgroup layouts yield the short id, the full id and the runtime") {
  const std::vector<Case> cases = {
      {"docker, cgroupfs driver", "/docker/" + kId, "7951fb549ab9", ContainerType::Docker, ""},
      {"docker, systemd driver", "/system.slice/docker-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Docker, ""},
      {"containerd in kubernetes, systemd driver",
       "/kubepods.slice/kubepods-burstable.slice/"
       "kubepods-burstable-pod5a9e6f7b_1c2d_4e3f_8a9b_0c1d2e3f4a5b.slice/cri-containerd-" + kId +
           ".scope",
       "7951fb549ab9", ContainerType::Containerd, "5a9e6f7b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"},
      {"containerd in kubernetes, cgroupfs driver",
       "/kubepods/besteffort/podac04f3f2-1f2c-11e9-b015-1ebee232acfa/"
       "605439acbd4fb18c145069289094b17f17e0cfa938f78012d4960bc797305f22",
       "605439acbd4f", ContainerType::Cri, "ac04f3f2-1f2c-11e9-b015-1ebee232acfa"},
      {"containerd without SystemdCgroup",
       "/kubepods-burstable-podbd12dd3393227d950605a2444b13c27a.slice:cri-containerd:"
       "d52db56a9c80d536a91354c0951c061187ca46249e64865a12703003d8f42366",
       "d52db56a9c80", ContainerType::Containerd, ""},  // a static pod's hash is not a uid
      {"kubernetes guaranteed pod, cgroupfs driver",
       "/kubepods/pod0e2d6ad7-7ab4-4d2c-9e3c-0ac3d0bbf7a2/" + kId, "7951fb549ab9",
       ContainerType::Cri, "0e2d6ad7-7ab4-4d2c-9e3c-0ac3d0bbf7a2"},
      {"cri-o, cgroupfs driver",
       "/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/crio-"
       "73bfe475650de66df8e2affdc98d440dcbe84f8df83b6f75a68a82eb7026136a",
       "73bfe475650d", ContainerType::Crio, "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc"},
      {"cri-o, systemd driver",
       "/kubepods.slice/kubepods-besteffort.slice/"
       "kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/crio-"
       "17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f.scope",
       "17d8c9eacc62", ContainerType::Crio, "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc"},
      {"cri-o's conmon is not a container",
       "/kubepods.slice/kubepods-besteffort.slice/"
       "kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/crio-conmon-" + kId +
           ".scope",
       "", ContainerType::Host, ""},
      {"podman as root", "/machine.slice/libpod-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Podman, ""},
      {"rootless podman",
       "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId +
           ".scope/container",
       "7951fb549ab9", ContainerType::Podman, ""},
      {"podman without systemd", "/libpod_parent/libpod-" + kId, "7951fb549ab9",
       ContainerType::Podman, ""},
      {"podman, cgroup mode split",
       "/system.slice/system-ceph.slice/ceph@mon.service/libpod-payload-" + kId + ".scope",
       "7951fb549ab9", ContainerType::Podman, ""},
      {"nerdctl, systemd driver", "/system.slice/nerdctl-" + kId + ".scope", "7951fb549ab9",
       ContainerType::Containerd, ""},
      {"ctr in a containerd namespace", "/default/test_container", "test_contain",
       ContainerType::Containerd, ""},
      {"libvirt lxc with systemd",
       "/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope",
       "2293906\\x2dlibvirt\\x2dcontainer", ContainerType::LibvirtLxc, ""},
      {"libvirt lxc without systemd, claimed first as a containerd namespace",
       "/machine/ubuntu-vm.libvirt-lxc", "ubuntu-vm.li", ContainerType::Containerd, ""},
      {"cloud foundry bpm", "/system.slice/bpm-my-job_1.scope", "my-job_1", ContainerType::Bpm,
       ""},
      {"a login session", "/user.slice/user-1000.slice/session-3.scope", "", ContainerType::Host,
       ""},
      {"a system service", "/system.slice/containerd.service", "", ContainerType::Host, ""},
      {"the root cgroup", "/", "", ContainerType::Host, ""},
      {"an id of 65 hex digits", "/docker/" + kId + "a", "", ContainerType::Host, ""},
      {"an id with a non-hex character",
       "/machine.slice/libpod-" + kId.substr(0, 63) + "g.scope", "", ContainerType::Host, ""},
  };
  for (const Case& c : cases) {
    INFO(c.what << ": " << c.cgroup);
    auto m = match_container_cgroup(c.cgroup);
    if (c.id.empty()) {
      CHECK_FALSE(m.has_value());
      continue;
    }
    REQUIRE(m.has_value());
    CHECK(m->id == c.id);
    CHECK(m->type == c.type);
    CHECK(m->pod_uid == c.pod_uid);
    CHECK(m->cgroup == c.cgroup);
    CHECK(m->full_id.substr(0, m->id.size()) == m->id);
    if (m->id.size() == 12 && c.cgroup.find(kId) != std::string::npos) CHECK(m->full_id == kId);
  }
}

TEST_CASE("the runtimes are tried in the plugin's order and each can be turned off") {
  // "/lxc/<name>" also looks like a containerd namespace path, which the plugin tries first.
  auto m = match_container_cgroup("/lxc/mycontainer");
  REQUIRE(m.has_value());
  CHECK(m->type == ContainerType::Containerd);
  CHECK(m->id == "mycontainer");

  ContainerEngines no_containerd;
  no_containerd.containerd = false;
  m = match_container_cgroup("/lxc/mycontainer", no_containerd);
  REQUIRE(m.has_value());
  CHECK(m->type == ContainerType::Lxc);
  CHECK(m->id == "mycontainer");
  m = match_container_cgroup("/lxc.payload.web01/init.scope", no_containerd);
  REQUIRE(m.has_value());
  CHECK(m->id == "web01");
  m = match_container_cgroup("/machine/ubuntu-vm.libvirt-lxc", no_containerd);
  REQUIRE(m.has_value());
  CHECK(m->type == ContainerType::LibvirtLxc);
  CHECK(m->id == "ubuntu-vm");
  // The legacy libvirt layout contains "/lxc/", which the lxc matcher, tried earlier, claims.
  m = match_container_cgroup("/libvirt/lxc/legacy-guest", no_containerd);
  REQUIRE(m.has_value());
  CHECK(m->type == ContainerType::Lxc);
  ContainerEngines libvirt_only{false, false, false, false, false, true, false};
  m = match_container_cgroup("/libvirt/lxc/legacy-guest", libvirt_only);
  REQUIRE(m.has_value());
  CHECK(m->type == ContainerType::LibvirtLxc);
  CHECK(m->id == "legacy-guest");

  // A non-systemd host tree such as "/process_api/<32 hex>" is a containerd namespace to the
  // plugin; without that engine it is the host.
  const std::string odd = "/process_api/4cc2d55b86237b3f1e800952726e263c";
  m = match_container_cgroup(odd);
  REQUIRE(m.has_value());
  CHECK(m->id == "4cc2d55b8623");
  CHECK(m->full_id == "4cc2d55b86237b3f1e800952726e263c");
  CHECK_FALSE(match_container_cgroup(odd, no_containerd).has_value());

  ContainerEngines none{false, false, false, false, false, false, false};
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
