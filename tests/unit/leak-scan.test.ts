// The leak scanner must find a planted secret wherever and however it leaks,
// say where, and stay quiet on clean artifacts and on an explicit copy/reveal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeHits, scanForLeaks, SECRETS_FILE } from '../support/leak-scan.ts'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const SECRET = 'RHgzK9vQ2mLp7xqH5aZ0'
const OTHER = 'sim-session-cookie-0123456789'

function run(artifacts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-leak-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'test-a'))
  mkdirSync(join(dir, 'test-b'))
  writeFileSync(join(dir, 'test-a', SECRETS_FILE), JSON.stringify([SECRET, 'short']))
  writeFileSync(join(dir, 'test-b', SECRETS_FILE), JSON.stringify([OTHER]))
  for (const [name, text] of Object.entries(artifacts)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const clean = {
  'test-a/core.log': '{"level":"info","message":"key made","masked":"RHgz…xqH5"}\n',
  'test-a/settings/config.json': '{"keys":[{"masked":"RHgz…xqH5"}]}',
  'test-a/traffic.jsonl': `{"kind":"response","request":"keys.copy","body":"{\\"secret\\":\\"${SECRET}\\"}"}\n{"kind":"response","request":"keys.list","body":"[]"}\n`,
  'test-a/dom.html': '<p>short</p>',
}

describe('secret-leak scan', () => {
  it('finds nothing in clean artifacts, and allows the explicit copy reply', () => {
    const result = scanForLeaks(run(clean))
    expect(result).toEqual({ hits: [], files: 4, secrets: 2 })
  })

  it.each([
    ['a log line', 'test-a/core.log', `{"level":"error","message":"failed","body":"${SECRET}"}`, 'raw'],
    ['the settings file', 'test-a/settings/config.json', `{"keys":[{"note":"${SECRET}"}]}`, 'raw'],
    [
      'a response body',
      'test-a/traffic.jsonl',
      `{"kind":"response","request":"keys.list","body":"${JSON.stringify(SECRET).slice(1, -1)}"}`,
      'raw',
    ],
    [
      'an SSE event',
      'test-a/traffic.jsonl',
      `{"kind":"event","request":"keys.changed","body":"data: ${Buffer.from(SECRET).toString('base64')}"}`,
      'base64',
    ],
    ['the DOM', 'test-a/dom.html', `<a href="x?k=${encodeURIComponent(SECRET + '/+')}">`, 'raw'],
    ['renderer console, hex', 'test-a/console.log', Buffer.from(SECRET).toString('hex'), 'hex'],
    ["another test's artifact", 'test-b/core.log', SECRET, 'raw'],
    [
      'a copy reply outside the explicit request',
      'test-a/traffic.jsonl',
      `{"kind":"event","request":"keys.copy","body":"${SECRET}"}`,
      'raw',
    ],
  ])('finds a secret planted in %s and says where', (_name, file, text, encoding) => {
    const dir = run({ ...clean, [file]: `first line\n${text}\n` })
    const { hits } = scanForLeaks(dir)
    expect(hits).toContainEqual({ file, line: 2, encoding, secret: 'RH…Z0 (20 chars)', owner: 'test-a' })
    const report = describeHits(hits)
    expect(report).toContain(`${file}:2`)
    expect(report).not.toContain(SECRET)
  })

  it('finds a simulator-issued token of any test in any test’s artifacts', () => {
    const { hits } = scanForLeaks(run({ ...clean, 'test-a/dom.html': `<pre>${OTHER}</pre>` }))
    expect(hits).toEqual([
      { file: 'test-a/dom.html', line: 1, encoding: 'raw', secret: 'si…89 (29 chars)', owner: 'test-b' },
    ])
  })
})
