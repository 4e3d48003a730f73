#!/usr/bin/env node
// `npm test`: every check, in order, stopping at the first failing stage:
// typecheck → lint → build → vitest (unit + integration, under a private
// Secret Service) → Playwright (Chromium, inside the simulated LAN).
// Ends with one plain summary line counted over vitest and Playwright.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { runWithLab } from './with-lab.mjs'

const root = join(import.meta.dirname, '..')
// Not under test-results/: Playwright empties that directory when it starts.
const reports = join(root, '.test-reports')
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })
const bin = (name) => join(root, 'node_modules', '.bin', name)

const stages = [
  ['format', bin('prettier'), ['--check', '--log-level', 'warn', '**/*.{ts,tsx,js,mjs}']],
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['lint', bin('eslint'), ['.']],
  ['build', bin('electron-vite'), ['build']],
  [
    'vitest',
    'bash',
    [
      'tests/support/with-keyring.sh',
      bin('vitest'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${join(reports, 'vitest.json')}`,
    ],
  ],
  // The lab's Home Assistant is 2026.10 (unifiprotect menu, unifi API-key mode): the main path sends a
  // Protect key and a Network key into it. Then the HA specs again against 2026.8 (the form-only shapes).
  ['playwright', { scenario: 'discovery', haVersion: '2026.10.x', command: [bin('playwright'), 'test'] }],
  [
    'playwright-ha-2026.8',
    {
      scenario: 'discovery',
      haVersion: '2026.8.x',
      command: [
        bin('playwright'),
        'test',
        'tests/e2e/home-assistant-lab.spec.ts',
        'tests/e2e/home-assistant-network-lab.spec.ts',
      ],
    },
  ],
]

const only = process.argv.slice(2)
let failedStage = null
for (const [name, commandOrLab, args] of stages) {
  const playwright = name.startsWith('playwright')
  if (only.length && !only.includes(name) && !(playwright && only.includes('playwright'))) continue
  console.log(`\n▶ ${name}`)
  const started = Date.now()
  const env = { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, `${name}.json`) }
  if (playwright) env.PLAYWRIGHT_REPORTER = 'list'
  const extra = playwright ? ['--reporter=list,json'] : []
  // A lab stage runs through with-lab.mjs: Ctrl-C reaches the lab, which removes its namespaces first.
  const status = playwright
    ? (await runWithLab({ ...commandOrLab, command: [...commandOrLab.command, ...extra], stdio: 'inherit', env })).code
    : spawnSync(commandOrLab, args, { cwd: root, stdio: 'inherit', env }).status
  console.log(`◀ ${name}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (status !== 0) {
    failedStage = name
    break
  }
}

const read = (file) => {
  try {
    return JSON.parse(readFileSync(join(reports, file), 'utf8'))
  } catch {
    return null
  }
}
let passed = 0
let failed = 0
let skipped = 0
const vitest = read('vitest.json')
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0)
}
for (const [name] of stages.filter(([n]) => n.startsWith('playwright'))) {
  const pw = read(`${name}.json`)
  if (!pw) continue
  passed += pw.stats.expected + pw.stats.flaky
  failed += pw.stats.unexpected
  skipped += pw.stats.skipped
}
if (failedStage && failed === 0) failed = 1 // a stage without test counts (typecheck, lint, build) failed
console.log(
  `\n${failedStage ? `stage "${failedStage}" failed. ` : ''}tests: ${passed} passed, ${failed} failed, ${skipped} skipped`,
)
process.exit(failedStage ? 1 : 0)
