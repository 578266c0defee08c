// Child processes for the API tests: the server under test, its CLI, and helper tools (sqlite3).
//
// Infrastructure failures (cannot fork, a child that never answers) throw HarnessError, which
// GoogleTest reports as a failure of the running test with the message; API behaviour is checked
// with assertions.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace civicgrid::api_test {

using namespace std::chrono_literals;

class HarnessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A temporary directory under /tmp, removed with everything in it on destruction unless the
// environment variable CIVICGRID_KEEP_TEST_DATA is set (then its path is printed, for
// post-mortems).
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "civicgrid-api");
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Copies a directory tree (e.g. a stopped server's data dir, to tamper with the copy).
void copy_dir(const std::string& from, const std::string& to);

struct SpawnOptions {
  bool stdin_pipe = false;   // otherwise stdin is /dev/null
  bool search_path = false;  // execvp instead of execv (for tools such as sqlite3)
  std::string stdout_copy;   // when set, stdout is also appended to this file
  std::string stderr_copy;   // when set, stderr is also appended to this file
};

// Exit status as a shell reports it: the exit code, or 128 + signal number when killed by a signal.
int decode_wait_status(int status);

// A running child. Its stdout and stderr are drained by background threads (so a chatty child never
// blocks on a full pipe) and kept in memory. The destructor kills (SIGKILL) and reaps a child that
// is still running, so a failing test never leaks a process; the child also gets SIGKILL if the
// thread that spawned it dies (PR_SET_PDEATHSIG), covering a crashed test process; spawn from the
// test's main thread, not from a short-lived helper thread.
class Subprocess {
 public:
  Subprocess();
  ~Subprocess();
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;

  // Starts argv[0] with the arguments argv[1..]. Throws HarnessError when fork or exec fails.
  static Subprocess spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

  pid_t pid() const;
  bool started() const;
  // True while the child has not exited (reaps it when it has).
  bool running();

  void write_stdin(std::string_view data);
  void close_stdin();

  // Waits until stdout contains `needle`; false on timeout or when stdout closed without it.
  bool wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout);
  std::string stdout_text() const;
  std::string stderr_text() const;

  void send_signal(int sig);
  // Waits for the exit; the exit status (see decode_wait_status), or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGKILL and reap; returns the exit status (137 normally). No-op returning the status when
  // the child has already exited.
  int kill9();
  // The exit status once reaped.
  std::optional<int> exit_status() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a program to completion with `stdin_text` on its stdin. Throws HarnessError when it does not
// finish within `timeout` (after killing it).
CommandResult run_command(const std::vector<std::string>& argv, std::string_view stdin_text = {},
                          std::chrono::milliseconds timeout = 60s, bool search_path = true);

// The server binary: $CIVICGRID_BINARY, else `civicgrid` beside the test executable.
const std::string& civicgrid_binary();

// Runs `civicgrid <args...>` (e.g. {"user", "add", "--data", dir, ...}).
CommandResult run_cli(const std::vector<std::string>& args, std::string_view stdin_text = {});

}  // namespace civicgrid::api_test
