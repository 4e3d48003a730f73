// `npm run demo` starts the lab with the browser host inside it, serves the UI
// on this computer's loopback, and tears everything down on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { labSupport } from '../lab/lab.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const support = labSupport()
const built = existsSync(`${root}out/renderer/index.html`)
const skip = !support.ok
  ? `needs the simulated LAN: ${support.reason}`
  : !built
    ? 'needs the built renderer (npm run build)'
    : null

describe('npm run demo', () => {
  it.skipIf(skip !== null)(
    `starts the lab and the browser host, serves the page on loopback, and stops cleanly on Ctrl-C${skip ? ` [skipped: ${skip}]` : ''}`,
    async () => {
      const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      demo.stdout.on('data', (c: Buffer) => (out += c.toString()))
      demo.stderr.on('data', (c: Buffer) => (err += c.toString()))
      const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)))
      try {
        const started = Date.now()
        while (!/Open Keyward:\s+http/.test(out) && Date.now() - started < 150_000 && demo.exitCode === null)
          await new Promise((r) => setTimeout(r, 200))
        const url = /Open Keyward:\s+(http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(out)
        expect(url, `${out}\n${err}`).not.toBeNull()
        const [, origin, token] = url!
        const page = await fetch(`${origin}/`)
        expect(page.status).toBe(200)
        expect(await page.text()).toMatch(/<div id="root">/)
        const list = await fetch(`${origin}/api/invoke/discovery.status`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-keyward-token': token! },
          body: '{}',
        })
        expect(await list.json()).toMatchObject({ ok: true, value: { interfaces: expect.any(Array) } })
        // What a visitor needs to sign in is printed (the simulator's owner account).
        expect(out).toMatch(/Sign in as:\s+admin\s+password: \S+/)
      } finally {
        demo.kill('SIGINT')
      }
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))])
      expect(code).toBe(0)
      expect(out).toMatch(/demo: stopped\n/)
      // The lab's namespaces are gone.
      const id = /lab (\w+) up/.exec(err)?.[1]
      expect(id).toBeTruthy()
      expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(`kw-${id}-`)
    },
    240_000,
  )
})
