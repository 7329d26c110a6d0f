/* Presses Ctrl-C in a Windows program's console, as a user does in a terminal, for tests run under wine.
 *   console-ctrl-c.exe TRIGGER_FILE PROGRAM [ARGS...]
 * Starts PROGRAM in a console of its own (so the event reaches only it and this launcher, never the test runner),
 * with this launcher's standard handles, waits until TRIGGER_FILE exists, sends CTRL_C_EVENT to the console, and
 * exits with PROGRAM's exit code. Exit 120 if the program could not be started, 121 if it ended before the
 * trigger, 122 if the event could not be sent. Built with the mingw-w64 compiler by tests/windows/ctrl-c.sh. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

/* The launcher shares the console, so it gets the event too: it swallows it and keeps waiting for the program.
 * (SetConsoleCtrlHandler(NULL, TRUE) would be inherited by the program and make it ignore Ctrl-C as well.) */
static BOOL WINAPI swallow(DWORD event) {
  (void)event;
  return TRUE;
}

static HANDLE inheritable(DWORD which) {
  HANDLE copy = NULL;
  HANDLE handle = GetStdHandle(which);
  if (handle == NULL || handle == INVALID_HANDLE_VALUE) return NULL;
  if (!DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &copy, 0, TRUE, DUPLICATE_SAME_ACCESS))
    return NULL;
  return copy;
}

/* Quotes one argument the way the C runtime and Rust's std parse a command line back. */
static void append_quoted(char *line, size_t size, const char *arg) {
  size_t len = strlen(line);
  if (len + 1 < size) line[len++] = '"';
  for (const char *c = arg; *c && len + 3 < size; c++) {
    if (*c == '"') line[len++] = '\\';
    line[len++] = *c;
  }
  if (len + 2 < size) {
    line[len++] = '"';
    line[len++] = ' ';
  }
  line[len] = '\0';
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: console-ctrl-c.exe TRIGGER_FILE PROGRAM [ARGS...]\n");
    return 2;
  }
  const char *trigger = argv[1];
  /* Taken before the console changes: the program writes where the launcher's caller reads. */
  HANDLE in = inheritable(STD_INPUT_HANDLE), out = inheritable(STD_OUTPUT_HANDLE), err = inheritable(STD_ERROR_HANDLE);
  FreeConsole();
  if (!AllocConsole()) {
    fprintf(stderr, "console-ctrl-c: no console of its own (error %lu)\n", GetLastError());
    return 120;
  }
  SetConsoleCtrlHandler(swallow, TRUE);

  static char line[32768];
  line[0] = '\0';
  for (int i = 2; i < argc; i++) append_quoted(line, sizeof line, argv[i]);
  STARTUPINFOA startup;
  PROCESS_INFORMATION child;
  memset(&startup, 0, sizeof startup);
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = in;
  startup.hStdOutput = out;
  startup.hStdError = err;
  if (!CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &startup, &child)) {
    fprintf(stderr, "console-ctrl-c: cannot start %s (error %lu)\n", argv[2], GetLastError());
    return 120;
  }
  while (GetFileAttributesA(trigger) == INVALID_FILE_ATTRIBUTES) {
    if (WaitForSingleObject(child.hProcess, 50) == WAIT_OBJECT_0) {
      fprintf(stderr, "console-ctrl-c: %s ended before Ctrl-C was pressed\n", argv[2]);
      return 121;
    }
  }
  if (!GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0)) {
    fprintf(stderr, "console-ctrl-c: Ctrl-C not sent (error %lu)\n", GetLastError());
    TerminateProcess(child.hProcess, 1);
    return 122;
  }
  WaitForSingleObject(child.hProcess, INFINITE);
  DWORD code = 1;
  GetExitCodeProcess(child.hProcess, &code);
  return (int)code;
}
