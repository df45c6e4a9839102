// A killed process leaves its spool folder behind; the next process to open one removes it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSpoolFolder } from '../sql/spool-folder.ts'

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
})
