// Parameter rendering. Expected strings are what sysdig 0.29.3 printed for the same bytes in
// hand-built captures (or in the shared captures, where noted).
#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <string>

#include "format_test_support.h"
#include "vigil/capture/param_format.h"

using namespace vigil::capture;
using vigil::test::Bytes;
using vigil::test::cat;
using vigil::test::le;
using vigil::test::raw;
using vigil::test::str;

namespace {

const ParamInfo& param_info(const EventSchema& schema, uint16_t id, std::string_view name) {
  const EventInfo& info = schema[id];
  const int i = find_param(info, name);
  REQUIRE(i >= 0);
  return info.params[static_cast<size_t>(i)];
}

// "value" or "value(resolved)", as %evt.args shows one parameter.
std::string shown(uint16_t id, std::string_view name, const Bytes& bytes, const ParamResolver* resolver = nullptr,
                  const EventSchema& schema = EventSchema::libs_0_29()) {
  FixedText<4096> value;
  FixedText<4096> resolved;
  ParamContext ctx{schema, 100, {80, resolver}};
  format_param(ctx, ParamView(bytes.data(), static_cast<uint32_t>(bytes.size())), param_info(schema, id, name),
               value, resolved);
  std::string out(value.view());
  if (!resolved.empty()) out += "(" + std::string(resolved.view()) + ")";
  return out;
}

std::string raw_value(uint16_t id, std::string_view name, const Bytes& bytes,
                      const EventSchema& schema = EventSchema::libs_0_29()) {
  FixedText<4096> out;
  if (!format_param_raw(ParamView(bytes.data(), static_cast<uint32_t>(bytes.size())), param_info(schema, id, name), out))
    return "<missing>";
  return std::string(out.view());
}

Bytes ipv4(const char* text) {
  Bytes b(4);
  REQUIRE(inet_pton(AF_INET, text, b.data()) == 1);
  return b;
}
Bytes ipv6(const char* text) {
  Bytes b(16);
  REQUIRE(inet_pton(AF_INET6, text, b.data()) == 1);
  return b;
}

constexpr uint16_t kOpenE = 2, kCloseE = 4, kCloseX = 5, kReadE = 6, kReadX = 7, kConnectE = 22, kConnectX = 23,
                   kSetsockoptX = 45, kFutexE = 64, kPollE = 80, kPtraceX = 169, kProcexit = 186, kSetuidE = 198,
                   kProcinfo = 234, kPpollE = 254, kFchmodX = 317, kOpenatX = 307;

class FakeResolver : public ParamResolver {
 public:
  bool fd_name(int64_t tid, int64_t fd, TextBuffer& out) const override {
    if (tid != 100 || fd != 3) return false;
    out.append("<f>/etc/passwd");
    return true;
  }
  char fd_type_char(int64_t, int64_t fd) const override { return fd == 3 ? 'f' : 0; }
  bool thread_comm(int64_t tid, TextBuffer& out) const override {
    if (tid != 20072) return false;
    out.append("cat");
    return true;
  }
  bool user_name(int64_t, uint32_t uid, TextBuffer& out) const override {
    if (uid != 0) return false;
    out.append("root");
    return true;
  }
  bool base_dir(int64_t, int64_t dirfd, TextBuffer& out) const override {
    out.append(dirfd == kAtFdCwd ? "/home/alice/" : "/srv/");
    return true;
  }
};

}  // namespace

TEST_CASE("Bit-set flags list every matching name in table order and stop at an exact match") {
  CHECK(shown(kOpenE, "flags", le<uint32_t>(4097)) == "4097(O_RDONLY|O_CLOEXEC)");
  CHECK(shown(kOpenE, "flags", le<uint32_t>(517)) == "517(O_DIRECT|O_CREAT|O_RDONLY)");
  CHECK(shown(kOpenE, "flags", le<uint32_t>(3)) == "3(O_RDWR)");
  CHECK(shown(kOpenE, "flags", le<uint32_t>(0)) == "0(O_NONE)");
  CHECK(shown(kFutexE, "op", le<uint16_t>(129)) == "129(FUTEX_PRIVATE_FLAG|FUTEX_WAKE)");
  CHECK(shown(kFutexE, "op", le<uint16_t>(128)) == "128(FUTEX_PRIVATE_FLAG)");
}

TEST_CASE("Mode parameters print in octal with their permission names") {
  CHECK(shown(kFchmodX, "mode", le<uint32_t>(0755)) ==
        "0755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR)");
  CHECK(shown(kFchmodX, "mode", le<uint32_t>(0)) == "0");
}

TEST_CASE("Negative results and fds resolve to errno names, AT_FDCWD by name") {
  CHECK(shown(kCloseX, "res", le<int64_t>(-2)) == "-2(ENOENT)");
  CHECK(shown(kCloseX, "res", le<int64_t>(-115)) == "-115(EINPROGRESS)");
  CHECK(shown(kCloseX, "res", le<int64_t>(-512)) == "-512(ERESTARTSYS)");
  CHECK(shown(kCloseX, "res", le<int64_t>(-1000)) == "-1000");
  CHECK(shown(kCloseX, "res", le<int64_t>(5)) == "5");
  CHECK(shown(kCloseE, "fd", le<int64_t>(-2)) == "-2(ENOENT)");
  CHECK(shown(kCloseE, "fd", le<int64_t>(-100)) == "-100(AT_FDCWD)");
  CHECK(shown(kCloseE, "fd", le<int64_t>(7)) == "7");
  CHECK(errno_name(-11) == "EAGAIN");
  CHECK(errno_name(-41).empty());
  CHECK(errno_name(0).empty());
}

TEST_CASE("State-aware resolutions come from the resolver when one is given") {
  FakeResolver resolver;
  CHECK(shown(kCloseE, "fd", le<int64_t>(3), &resolver) == "3(<f>/etc/passwd)");
  CHECK(shown(kCloseE, "fd", le<int64_t>(4), &resolver) == "4");
  CHECK(shown(kSetuidE, "uid", le<uint32_t>(0), &resolver) == "0(root)");
  CHECK(shown(kSetuidE, "uid", le<uint32_t>(0)) == "0(<NA>)");
  CHECK(shown(kSetuidE, "uid", le<uint32_t>(0xffffffffu)) == "-1(<NONE>)");
  CHECK(shown(kPollE, "fds", cat({le<uint16_t>(2), le<int64_t>(3), le<int16_t>(1), le<int64_t>(4), le<int16_t>(4)}),
              &resolver) == "3:f1 4:?4");
  CHECK(shown(kPollE, "fds", cat({le<uint16_t>(2), le<int64_t>(3), le<int16_t>(1), le<int64_t>(4), le<int16_t>(4)})) ==
        "3:?1 4:?4");
}

TEST_CASE("Relative paths are resolved against the thread's directory, absolute ones are not") {
  FakeResolver resolver;
  CHECK(shown(kOpenE, "name", str("/etc/passwd"), &resolver) == "/etc/passwd");
  CHECK(shown(kOpenE, "name", str("a/./b/../c/"), &resolver) == "a/./b/../c/(/home/alice/a/c)");
  // Without state sysdig joins to an empty cwd; non-printable bytes vanish from the value and
  // show as '.' in the resolution.
  CHECK(shown(kOpenE, "name", str("(NULL)")) == "(NULL)((NULL))");
  CHECK(shown(kOpenE, "name", str("a\x01" "b")) == "ab(a.b)");
  CHECK(shown(kOpenE, "name", str("")) == "");
  FixedText<256> value;
  FixedText<256> resolved;
  const Bytes name = str("x.txt");
  ParamContext ctx{EventSchema::newest(), 100, {80, &resolver}, 5};
  format_param(ctx, ParamView(name.data(), static_cast<uint32_t>(name.size())),
               param_info(EventSchema::newest(), kOpenatX, "name"), value, resolved);
  CHECK(resolved.view() == "/srv/x.txt");
}

TEST_CASE("Socket addresses and tuples print like sysdig for IPv4, IPv6 and unix sockets") {
  CHECK(shown(kConnectE, "addr", cat({{2}, ipv4("10.0.0.1"), le<uint16_t>(443)})) == "10.0.0.1:443");
  CHECK(shown(kConnectE, "addr", cat({{10}, ipv6("2001:db8::3"), le<uint16_t>(1234)})) == "2001:db8::3:1234");
  CHECK(shown(kConnectE, "addr", cat({{1}, str("/tmp/sock")})) == "/tmp/sock");
  CHECK(shown(kConnectE, "addr", Bytes{17, 0}) == "family 17");
  CHECK(shown(kConnectE, "addr", Bytes{}) == "NULL");
  CHECK(shown(kConnectX, "tuple", cat({{2}, ipv4("127.0.0.1"), le<uint16_t>(47192), ipv4("127.0.0.1"), le<uint16_t>(80)})) ==
        "127.0.0.1:47192->127.0.0.1:80");
  CHECK(shown(kConnectX, "tuple", cat({{10}, ipv6("2001:db8::4"), le<uint16_t>(54405), ipv6("2001:db8::3"),
                                       le<uint16_t>(1234)})) == "2001:db8::4:54405->2001:db8::3:1234");
  CHECK(shown(kConnectX, "tuple", cat({{10}, ipv6("::ffff:1.2.3.4"), le<uint16_t>(5), ipv6("::ffff:5.6.7.8"),
                                       le<uint16_t>(6)})) == "1.2.3.4:5->5.6.7.8:6");
  CHECK(shown(kConnectX, "tuple", cat({{1}, le<uint64_t>(0), le<uint64_t>(0xffff94dc817b9400ull),
                                       str("/var/run/nscd/socket")})) == "0->ffff94dc817b9400 /var/run/nscd/socket");
  CHECK(shown(kConnectX, "tuple", Bytes{}) == "NULL");
}

TEST_CASE("Byte buffers show non-printable bytes as dots and are cut at 80 characters") {
  CHECK(shown(kReadX, "data", raw(std::string_view("ab\0\x01" "cd\n\te", 9))) == "ab..cd..e");
  CHECK(shown(kReadX, "data", Bytes{}) == "");
  const std::string long_text(100, 'x');
  CHECK(shown(kReadX, "data", raw(long_text)) == std::string(77, 'x') + "...");
  CHECK(shown(kReadX, "data", raw(std::string(80, 'y'))) == std::string(80, 'y'));
}

TEST_CASE("Numbers follow the print format through a signed conversion, as sysdig prints them") {
  CHECK(shown(kReadE, "size", le<uint32_t>(0xffffffffu)) == "-1");
  CHECK(shown(kProcinfo, "cpu_usr", le<uint64_t>(UINT64_MAX)) == "-1");
  CHECK(shown(kFutexE, "addr", le<uint64_t>(0xC000065948ull)) == "C000065948");
  CHECK(shown(kProcexit, "sig", le<uint8_t>(9)) == "9(SIGKILL)");
  CHECK(shown(kProcexit, "sig", le<uint8_t>(64)) == "64");
  CHECK(shown(kPpollE, "timeout", le<uint64_t>(1500000000)) == "1500000000(1.5s)");
  CHECK(shown(kPpollE, "timeout", le<uint64_t>(0)) == "0(0s)");
  CHECK(shown(kPpollE, "timeout", le<uint64_t>(UINT64_MAX)) == "none");
  CHECK(shown(kPpollE, "sigmask", le<uint32_t>(0x5)) == "SIGHUP SIGQUIT");
}

TEST_CASE("Dynamic parameters render the alternative their selector byte names") {
  CHECK(shown(kSetsockoptX, "val", cat({{2}, le<uint32_t>(65536)})) == "65536");
  CHECK(shown(kSetsockoptX, "val", cat({{0}, raw("ab\x01")})) == "ab.");
  CHECK(shown(kSetsockoptX, "val", cat({{4}, le<uint64_t>(1500000000)})) == "1500000000(1.5s)");
  CHECK(shown(kSetsockoptX, "val", cat({{9}, le<uint32_t>(1)})) == "INVALID DYNAMIC PARAMETER");
  CHECK(shown(kPtraceX, "addr", cat({{0}, le<uint64_t>(0x1234)})) == "1234");
  CHECK(shown(kPtraceX, "data", cat({{1}, le<uint8_t>(9)})) == "9(SIGKILL)");
}

TEST_CASE("Raw values are plain decimal numbers and unmodified text") {
  CHECK(raw_value(kCloseE, "fd", le<int64_t>(-2)) == "-2");
  CHECK(raw_value(kOpenE, "flags", le<uint32_t>(4097)) == "4097");
  CHECK(raw_value(kFutexE, "addr", le<uint64_t>(0xC000065948ull)) == "824634136904");
  CHECK(raw_value(kReadE, "size", le<uint32_t>(0xffffffffu)) == "4294967295");
  CHECK(raw_value(kReadX, "data", raw(std::string_view("/dev/null\0x", 11))) == "/dev/null");
  CHECK(raw_value(kOpenE, "name", str("a\x01" "b")) == "a\x01" "b");
  CHECK(raw_value(kConnectX, "tuple", cat({{2}, ipv4("127.0.0.1"), le<uint16_t>(1), ipv4("127.0.0.1"), le<uint16_t>(2)})) ==
        "127.0.0.1:1->127.0.0.1:2");
  CHECK(raw_value(kReadX, "data", Bytes{}).empty());
  CHECK(raw_value(kCloseX, "res", Bytes{}) == "<missing>");
}

TEST_CASE("Empty parameters show <NA> except buffers and socket values") {
  CHECK(shown(kCloseX, "res", Bytes{}) == "<NA>");
  CHECK(shown(kPollE, "fds", Bytes{}) == "NULL");
  CHECK(shown(kSetsockoptX, "val", Bytes{}) == "NULL");
}

TEST_CASE("Generic syscall events are named after the ppm_sc code they carry") {
  const vigil::test::TestEvent mprotect(0, 1, 1, {le<uint16_t>(75), le<uint16_t>(10)});
  const vigil::test::TestEvent sigreturn(1, 1, 1, {le<uint16_t>(298)});
  const vigil::test::TestEvent unknown(1, 1, 1, {le<uint16_t>(0)});
  const vigil::test::TestEvent beyond(1, 1, 1, {le<uint16_t>(60000)});
  const vigil::test::TestEvent open_e(kOpenE, 1, 1, {str("/x"), le<uint32_t>(1), le<uint32_t>(0)});
  const EventSchema& s = EventSchema::newest();
  CHECK(event_type_name(mprotect.view(), s[0]) == "mprotect");
  CHECK(event_type_name(sigreturn.view(), s[1]) == "rt_sigreturn");
  CHECK(event_type_name(unknown.view(), s[1]) == "<unknown>");
  CHECK(event_type_name(beyond.view(), s[1]).empty());
  CHECK(event_type_name(open_e.view(), s[kOpenE]) == "open");
  CHECK(ppm_sc_name(209) == "pselect6");
  CHECK(ppm_sc_name(296) == "arch_prctl");
  CHECK(ppm_sc_name(328) == "clone3");
}

TEST_CASE("Event arguments are listed as name=value(resolution) with a space after each") {
  const vigil::test::TestEvent open_x(3, 100, 1, {le<int64_t>(3), str("/etc/ld.so.cache"), le<uint32_t>(4097),
                                                  le<uint32_t>(0), le<uint32_t>(0x803)});
  const vigil::test::TestEvent generic(0, 100, 1, {le<uint16_t>(75), le<uint16_t>(10)});
  const vigil::test::TestEvent short_close(kCloseX, 100, 1, {});
  FixedText<1024> out;
  const ParamContext ctx{EventSchema::libs_0_29(), 100};
  format_event_args(ctx, open_x.view(), EventSchema::libs_0_29()[3], out);
  CHECK(out.view() == "fd=3 name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=803 ");
  out.clear();
  format_event_args(ctx, generic.view(), EventSchema::libs_0_29()[0], out);
  CHECK(out.view().empty());
  format_event_args(ctx, short_close.view(), EventSchema::libs_0_29()[kCloseX], out);
  CHECK(out.view().empty());
}

TEST_CASE("A full text buffer cuts output and says so") {
  FixedText<8> out;
  out.append("12345");
  out.appendf("%d", 6789);
  CHECK(out.view() == "12345678");
  CHECK(out.truncated());
  out.clear();
  out.append_i64(INT64_MIN);
  CHECK(out.truncated());
  FixedText<32> wide;
  wide.append_i64(INT64_MIN);
  CHECK(wide.view() == "-9223372036854775808");
  CHECK_FALSE(wide.truncated());
  for (uint64_t v : {uint64_t{0}, uint64_t{7}, uint64_t{10}, uint64_t{99}, uint64_t{100}, uint64_t{1005},
                     uint64_t{1470327477881785348ull}, UINT64_MAX}) {
    wide.clear();
    wide.append_u64(v);
    CHECK(wide.view() == std::to_string(v));
  }
}

TEST_CASE("Malformed parameter bytes of every type render without overrunning any buffer") {
  // Deterministic pseudo-random bytes of every length from 0 to 40 for every parameter of both
  // schemas, rendered into buffers far too small: the sanitize build checks every access.
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return static_cast<uint8_t>(seed);
  };
  FakeResolver resolver;
  size_t rendered = 0;
  for (const EventSchema* schema : {&EventSchema::newest(), &EventSchema::libs_0_29()}) {
    for (const EventInfo& info : schema->events()) {
      for (const ParamInfo& pi : info.params) {
        for (uint32_t len = 0; len <= 40; ++len) {
          Bytes bytes(len);
          for (uint8_t& b : bytes) b = next();
          if (len > 0 && (pi.type == ParamType::SockAddr || pi.type == ParamType::SockTuple)) bytes[0] = next() % 12;
          if (len > 0 && pi.type == ParamType::Dyn) bytes[0] = next() % 3;
          const ParamView view(bytes.data(), len);
          FixedText<24> value;
          FixedText<16> resolved;
          ParamContext ctx{*schema, 100, {8, len % 2 ? &resolver : nullptr}, static_cast<int64_t>(len) - 100};
          format_param(ctx, view, pi, value, resolved);
          FixedText<12> raw_text;
          format_param_raw(view, pi, raw_text);
          if (len == 0) {
            const std::string_view v = value.view();
            CHECK((v.empty() || v == "NULL" || v == "<NA>"));
            CHECK(resolved.empty());
          }
          ++rendered;
        }
      }
    }
  }
  CHECK(rendered > 50000);
}
