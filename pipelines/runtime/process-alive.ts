// Whether a process id names a running process: signal 0 checks without sending anything. EPERM
// means it runs under another user, which is alive all the same.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
