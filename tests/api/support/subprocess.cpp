#include "support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

namespace civicgrid::api_test {

namespace fs = std::filesystem;

TempDir::TempDir(std::string_view prefix) {
  std::string tmpl = "/tmp/" + std::string(prefix) + "-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw HarnessError("mkdtemp " + tmpl + ": " + std::strerror(errno));
  path_ = tmpl;
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  if (std::getenv("CIVICGRID_KEEP_TEST_DATA")) {
    std::cerr << "[harness] CIVICGRID_KEEP_TEST_DATA: keeping " << path_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void copy_dir(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) throw HarnessError("copy " + from + " to " + to + ": " + ec.message());
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

namespace {

// One output stream of the child, filled by a reader thread until EOF.
struct Stream {
  std::mutex mu;
  std::condition_variable cv;
  std::string text;
  bool eof = false;
};

void drain(int fd, int copy_fd, Stream* stream) {
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    // The copy is for people reading logs after a failure; losing part of it is harmless.
    if (copy_fd >= 0 && ::write(copy_fd, buf, static_cast<size_t>(n)) < 0) {
    }
    std::lock_guard lock(stream->mu);
    stream->text.append(buf, static_cast<size_t>(n));
    stream->cv.notify_all();
  }
  ::close(fd);
  if (copy_fd >= 0) ::close(copy_fd);
  std::lock_guard lock(stream->mu);
  stream->eof = true;
  stream->cv.notify_all();
}

int open_copy(const std::string& path) {
  if (path.empty()) return -1;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw HarnessError("open " + path + ": " + std::strerror(errno));
  return fd;
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw HarnessError(std::string("pipe2: ") + std::strerror(errno));
}

// Writing to the stdin of a child that already exited must fail with EPIPE, not kill the test.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

}  // namespace

struct Subprocess::State {
  pid_t pid = -1;
  int stdin_fd = -1;
  std::optional<int> status;
  Stream out, err;
  std::thread out_reader, err_reader;

  void reaped(int raw) {
    status = decode_wait_status(raw);
    // The child is gone, so its pipe ends are closed and the readers reach EOF.
    if (out_reader.joinable()) out_reader.join();
    if (err_reader.joinable()) err_reader.join();
  }

  bool try_reap() {
    if (status) return true;
    int raw = 0;
    const pid_t r = ::waitpid(pid, &raw, WNOHANG);
    if (r == pid) {
      reaped(raw);
      return true;
    }
    return false;
  }

  int kill_and_reap() {
    if (!status) {
      ::kill(pid, SIGKILL);
      int raw = 0;
      while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
      }
      reaped(raw);
    }
    return *status;
  }

  ~State() {
    if (stdin_fd >= 0) ::close(stdin_fd);
    if (pid > 0) kill_and_reap();
    if (out_reader.joinable()) out_reader.join();
    if (err_reader.joinable()) err_reader.join();
  }
};

Subprocess::Subprocess() = default;
Subprocess::~Subprocess() = default;
Subprocess::Subprocess(Subprocess&& other) noexcept = default;
Subprocess& Subprocess::operator=(Subprocess&& other) noexcept = default;

Subprocess Subprocess::spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) throw HarnessError("spawn: empty argv");
  ignore_sigpipe_once();
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  int in_pipe[2] = {-1, -1}, out_pipe[2], err_pipe[2], exec_pipe[2];
  if (options.stdin_pipe) make_pipe(in_pipe);
  make_pipe(out_pipe);
  make_pipe(err_pipe);
  make_pipe(exec_pipe);
  const int devnull = options.stdin_pipe ? -1 : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out_copy = open_copy(options.stdout_copy);
  const int err_copy = open_copy(options.stderr_copy);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) throw HarnessError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(options.stdin_pipe ? in_pipe[0] : devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    // Sockets and pipes of the test process (e.g. open client connections) must not live on in the
    // child; only the exec-status pipe stays until exec closes it.
    const int keep = exec_pipe[1];
    ::close_range(3, static_cast<unsigned>(keep - 1), 0);
    ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0);
    if (options.search_path)
      ::execvp(cargv[0], cargv.data());
    else
      ::execv(cargv[0], cargv.data());
    const int e = errno;
    [[maybe_unused]] auto w = ::write(keep, &e, sizeof e);
    ::_exit(127);
  }

  if (options.stdin_pipe) ::close(in_pipe[0]);
  if (devnull >= 0) ::close(devnull);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(exec_pipe[1]);
  Subprocess p;
  p.state_ = std::make_unique<State>();
  State& s = *p.state_;
  s.pid = pid;
  s.stdin_fd = options.stdin_pipe ? in_pipe[1] : -1;
  s.out_reader = std::thread(drain, out_pipe[0], out_copy, &s.out);
  s.err_reader = std::thread(drain, err_pipe[0], err_copy, &s.err);

  int exec_errno = 0;
  ssize_t n;
  while ((n = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  ::close(exec_pipe[0]);
  if (n == sizeof exec_errno) {
    s.kill_and_reap();
    throw HarnessError("cannot execute " + argv[0] + ": " + std::strerror(exec_errno));
  }
  return p;
}

pid_t Subprocess::pid() const {
  return state_ ? state_->pid : -1;
}
bool Subprocess::started() const {
  return state_ != nullptr;
}
bool Subprocess::running() {
  return state_ && !state_->try_reap();
}

void Subprocess::write_stdin(std::string_view data) {
  if (!state_ || state_->stdin_fd < 0) throw HarnessError("write_stdin: no stdin pipe");
  while (!data.empty()) {
    const ssize_t n = ::write(state_->stdin_fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw HarnessError(std::string("write to child stdin: ") + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void Subprocess::close_stdin() {
  if (state_ && state_->stdin_fd >= 0) {
    ::close(state_->stdin_fd);
    state_->stdin_fd = -1;
  }
}

bool Subprocess::wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout) {
  if (!state_) return false;
  Stream& out = state_->out;
  std::unique_lock lock(out.mu);
  out.cv.wait_for(lock, timeout,
                  [&] { return out.text.find(needle) != std::string::npos || out.eof; });
  return out.text.find(needle) != std::string::npos;
}

std::string Subprocess::stdout_text() const {
  if (!state_) return {};
  std::lock_guard lock(state_->out.mu);
  return state_->out.text;
}

std::string Subprocess::stderr_text() const {
  if (!state_) return {};
  std::lock_guard lock(state_->err.mu);
  return state_->err.text;
}

void Subprocess::send_signal(int sig) {
  if (state_ && !state_->status) ::kill(state_->pid, sig);
}

std::optional<int> Subprocess::wait(std::chrono::milliseconds timeout) {
  if (!state_) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!state_->try_reap()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
  return state_->status;
}

int Subprocess::kill9() {
  if (!state_) return -1;
  return state_->kill_and_reap();
}

std::optional<int> Subprocess::exit_status() const {
  return state_ ? state_->status : std::nullopt;
}

CommandResult run_command(const std::vector<std::string>& argv, std::string_view stdin_text,
                          std::chrono::milliseconds timeout, bool search_path) {
  Subprocess p = Subprocess::spawn(argv, {.stdin_pipe = true, .search_path = search_path});
  try {
    p.write_stdin(stdin_text);
  } catch (const HarnessError&) {
    // The program exited without reading its input; its exit status tells the rest.
  }
  p.close_stdin();
  const auto status = p.wait(timeout);
  if (!status) {
    p.kill9();
    throw HarnessError(argv[0] + " did not finish within " + std::to_string(timeout.count()) +
                       " ms; stderr: " + p.stderr_text());
  }
  return {*status, p.stdout_text(), p.stderr_text()};
}

const std::string& civicgrid_binary() {
  static const std::string path = [] {
    if (const char* env = std::getenv("CIVICGRID_BINARY"); env && *env) return std::string(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : (exe.parent_path() / "civicgrid").string();
  }();
  if (path.empty() || !fs::exists(path))
    throw HarnessError("server binary not found: set CIVICGRID_BINARY (tried '" + path + "')");
  return path;
}

CommandResult run_cli(const std::vector<std::string>& args, std::string_view stdin_text) {
  std::vector<std::string> argv{civicgrid_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, stdin_text, 60s, false);
}

}  // namespace civicgrid::api_test
