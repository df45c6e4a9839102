// A killed process leaves its spool folder behind; the next process to open one removes it. The
// folders are private and unpredictable, and a small or failing /dev/shm never fails an insert.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSpoolFolder, writeSpoolFileSync } from '../sql/spool-folder.ts'
import { tempDir } from './helpers/test-pulse.ts'

const mode = (p: string) => statSync(p).mode & 0o777

describe('spool folder', () => {
  it('removes folders of processes that are gone and keeps its own until removed', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    const first = await openSpoolFolder()
    const root = path.dirname(path.dirname(first.file()))
    const abandoned = path.join(root, `pulse-spool-${dead}-0`)
    mkdirSync(abandoned, { recursive: true })
    writeFileSync(path.join(abandoned, '0.tsv'), 'rows')
    const second = await openSpoolFolder()
    expect(existsSync(abandoned)).toBe(false)
    const own = path.dirname(first.file())
    expect(existsSync(own)).toBe(true) // this process is alive
    expect(path.dirname(second.file())).not.toBe(own)
    await first.remove()
    await second.remove()
    expect(existsSync(own)).toBe(false)
  })

  it('names folders unpredictably, readable by this user only, and writes files 0600', async () => {
    const spool = await openSpoolFolder({ fallbackRoot: tempDir('spool-private') })
    const dir = path.dirname(spool.file())
    expect(path.basename(dir)).toMatch(new RegExp(`^pulse-spool-${process.pid}-[A-Za-z0-9]{6}$`))
    expect(mode(dir)).toBe(0o700)
    const written = await spool.write(Buffer.from('a\tb\n'))
    expect(mode(written)).toBe(0o600)
    const fromWorker = spool.file()
    expect(writeSpoolFileSync(fromWorker, Buffer.from('c\n'))).toBe(true)
    expect(mode(fromWorker)).toBe(0o600)
    await spool.remove()
  })

  it('uses the data folder when /dev/shm has too little room', async () => {
    const data = tempDir('spool-small-shm')
    const spool = await openSpoolFolder({ fallbackRoot: data, minFreeBytes: Number.MAX_SAFE_INTEGER })
    expect(path.dirname(path.dirname(spool.file()))).toBe(data)
    const written = await spool.write(Buffer.from('rows\n'))
    expect(path.dirname(path.dirname(written))).toBe(data)
    await spool.remove()
  })

  it('writes to the data folder when a write to /dev/shm fails, and leaves nothing behind', async () => {
    const data = tempDir('spool-failing-shm')
    const spool = await openSpoolFolder({ fallbackRoot: data })
    const shmFolder = path.dirname(spool.file())
    rmSync(shmFolder, { recursive: true }) // every write there now fails, as on a full /dev/shm
    const written = await spool.write(Buffer.from('rows\n'))
    expect(readFileSync(written, 'utf8')).toBe('rows\n')
    expect(path.dirname(path.dirname(written))).toBe(data)
    const failed = spool.file()
    expect(writeSpoolFileSync(failed, Buffer.from('rows\n'))).toBe(false)
    expect(existsSync(failed)).toBe(false)
    await spool.remove()
  })
})
