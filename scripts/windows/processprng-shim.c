/*
 * bcryptprimitives.dll for wine 8, which lacks it. Rust's standard library (1.78 and later) imports ProcessPrng
 * from this DLL for its random numbers (HashMap keys); without it every Windows test program fails to start under
 * wine. Real Windows (10 and later) has the DLL: this file is only for running the tests under wine and never ships.
 * It forwards to BCryptGenRandom, which wine implements, with the system's preferred generator.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE buffer, SIZE_T length) {
  /* BCryptGenRandom takes a ULONG count: fill larger requests in pieces. */
  while (length > 0) {
    ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
    if (BCryptGenRandom(NULL, buffer, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
      return FALSE;
    }
    buffer += chunk;
    length -= chunk;
  }
  return TRUE;
}
