// A rule comparing fd.sip.name with a host name fires on a real connect to that name's address:
// the engine's compared names go to the inspector (register_compared_values), whose background
// resolver (here an injected one: CI has no DNS) maps them to 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "inspect_harness.h"
#include "vigil/engine/compared_values.h"
#include "vigil/engine/engine.h"

using namespace vigil;
using namespace vigil::test;

namespace {

// service.vigil-test is 127.0.0.1, elsewhere.vigil-test is 10.255.255.1; nothing else exists.
class TestNetResolver final : public inspect::HostnameResolver {
 public:
  bool resolve(std::string_view name, std::vector<inspect::IpValue>& out) const override {
    inspect::IpValue ip;
    ip.family = 4;
    if (name == "service.vigil-test") ip.addr = {127, 0, 0, 1};
    else if (name == "elsewhere.vigil-test") ip.addr = {10, 255, 255, 1};
    else return false;
    out.push_back(ip);
    ++answered;
    return true;
  }
  mutable std::atomic<int> answered{0};
};

std::string rule(const std::string& name, const std::string& host) {
  return "- rule: " + name + "\n  desc: test\n  condition: evt.type = connect and fd.sip.name = " + host +
         " and proc.pid = " + std::to_string(getpid()) + "\n  output: \"%fd.name %fd.sip.name\"\n  priority: WARNING\n";
}

}  // namespace

TEST_CASE("a rule comparing fd.sip.name with a resolved host name fires on a live connect to its address") {
  TestNetResolver resolver;
  inspect::InspectorOptions opts;
  opts.hostname_resolver = &resolver;  // Background, as the CLI runs it
  auto src = open_live(inspected_options({"socket", "connect"}));
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(src->metadata()).ok());

  engine::Engine engine(inspector.fields());
  const auto loaded = engine.load_string(rule("to the service", "service.vigil-test") +
                                             rule("to elsewhere", "elsewhere.vigil-test"),
                                         "hostname_rules.yaml");
  REQUIRE(loaded.ok);
  const engine::RegisteredValues reg = engine::register_compared_values(engine, inspector);
  CHECK(reg.hostnames == 2);
  CHECK(reg.errors.empty());
  // The answers arrive on the resolver thread; the inspector takes them at its next event.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (resolver.answered.load() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(resolver.answered.load() == 2);

  int srv = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(srv >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(srv, 4) == 0);
  socklen_t alen = sizeof addr;
  REQUIRE(getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &alen) == 0);
  int cli = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(cli >= 0);
  REQUIRE(connect(cli, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  close(cli);
  close(srv);
  emit_marker();

  std::vector<std::string> fired;
  const int64_t pid = getpid();
  inspect_until_marker(*src, inspector, {"fd.sip.name"}, [&](const inspect::EventContext& ctx) {
    for (const engine::Match& m : engine.evaluate(ctx.event().type(), ctx)) fired.push_back(engine.rules()[m.rule].name);
    return ctx.thread() && ctx.thread()->pid == pid && ctx.event().type() == 23;
  });
  CHECK(fired == std::vector<std::string>{"to the service"});
  CHECK(inspector.stats().hostnames_watched == 2);
  CHECK(inspector.stats().hostnames_pending == 0);
}
