#!/usr/bin/env node
// `npm run dist [-- <electron-builder args>]`: installers for this OS (or `--linux|--mac|--win`).
// Builds main, preload and renderer with electron-vite, then runs electron-builder (pinned in package.json)
// with `--publish never` and every other argument passed through, e.g. `--config electron-builder.test.yml`
// or `--dir`. electron-builder runs in this process, through its own CLI option parser, so a failure arrives
// here as an error object: when it is a download (Electron itself, or fpm, NSIS, … on first use) this
// prints one sentence naming what was fetched from where and why it failed, instead of a stack trace.
// See docs/packaging.md and ../shared/reference/electron.md §6c.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..')
const require = createRequire(import.meta.url)

function fail(message, code = 1) {
  console.error(`\ndist: ${message}`)
  process.exit(code)
}

async function main(passthrough) {
  // The module behind electron-builder's own `cli.js` (its build command and options).
  const builder = require('electron-builder/out/builder.js')
  if (passthrough.some((a) => a === '-p' || a === '--publish' || a.startsWith('--publish='))) {
    fail('`npm run dist` never publishes; run electron-builder directly to publish.', 2)
  }
  const args = builder
    .configureBuildCommand(builder.createYargs())
    .strict()
    .fail((message, error) => fail(`electron-builder does not accept these arguments: ${message ?? error?.message}`, 2))
    .parse([...passthrough, '--publish', 'never'])

  // 1. main, preload, renderer → out/
  const viteCli = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js')
  const vite = spawnSync(process.execPath, [viteCli, 'build'], { cwd: root, stdio: 'inherit' })
  if (vite.status !== 0) fail('electron-vite build failed (see above); no installer was built.')

  // 2. installers → dist/
  process.chdir(root)
  try {
    const artifacts = await builder.build(args)
    console.log(`\ndist: built ${artifacts.length} file(s):\n${artifacts.map((a) => `  ${a}`).join('\n')}`)
  } catch (error) {
    const download = findDownloadError(error)
    if (download) fail(describeDownload(download))
    // Anything else: what electron-builder's CLI would print (configuration errors without a stack).
    const configError = error?.constructor?.name === 'InvalidConfigurationError'
    fail(`electron-builder failed: ${configError ? error.message : (error?.stack ?? String(error))}`)
  }
}

// Run when executed (`node scripts/dist.mjs`); tests/unit/packaging.test.ts imports the helpers below.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main(process.argv.slice(2))

/** The HTTP client error (got's RequestError/HTTPError) behind a failed download, wherever it is nested. */
export function findDownloadError(error, seen = new Set()) {
  if (!error || typeof error !== 'object' || seen.has(error)) return null
  seen.add(error)
  const url = error.options?.url ?? error.request?.requestUrl ?? error.response?.url
  if (url) return { error, url: String(url) }
  for (const inner of [error.cause, ...(Array.isArray(error.errors) ? error.errors : [])]) {
    const found = findDownloadError(inner, seen)
    if (found) return found
  }
  return null
}

export function describeDownload({ error, url }) {
  let host = url
  let file = url
  try {
    ;({ host } = new URL(url))
    file = basename(new URL(url).pathname)
  } catch {
    /* not a URL: name it as given */
  }
  const electron = /\/electron\/releases\/download\/v([^/]+)\/electron-v[^-]+-(.+)\.zip$/.exec(url)
  const what = electron ? `Electron ${electron[1]} for ${electron[2]}` : file
  const noDns = `the host name ${host} could not be resolved (${error.code}), so this machine is offline or has no DNS`
  const status = error.response?.statusCode
  const why = status
    ? `${host} answered HTTP ${status}`
    : ({
        ENOTFOUND: noDns,
        EAI_AGAIN: noDns,
        ECONNREFUSED: `the connection to ${host} was refused (${error.code})`,
        ECONNRESET: `the connection to ${host} was reset (${error.code})`,
        ETIMEDOUT: `the connection to ${host} timed out (${error.code})`,
        ENETUNREACH: `the network is unreachable (${error.code})`,
      }[error.code] ?? `${error.message}${error.code && !error.message.includes(error.code) ? ` (${error.code})` : ''}`)
  const hint = status ? 'check the version and any mirror settings' : `build on a machine that can reach ${host}`
  return `electron-builder could not download ${what} from ${url} because ${why}; ${hint} (docs/packaging.md).`
}
