// Lab probe: Keyward's discovery inside a lab host whose routing refuses the requests to one
// typed address (`ip route add unreachable|prohibit <target>/32`, the Linux stand-ins for
// macOS 15's Local Network block, discovery.md §7). Prints ONE JSON document: the notices
// discovery showed by the end of its first scan round, and its stats.
//   node --import tsx tests/bench/discovery-blocked.ts --target <ip> --platform darwin|linux
// Refuses to run unless every non-loopback interface is in the lab range (never a real network).
import os from 'node:os'
import { parseArgs } from 'node:util'
import { createDiscovery } from '../../electron/core/discovery/index.ts'

const { values } = parseArgs({
  options: { target: { type: 'string' }, platform: { type: 'string', default: 'linux' } },
  strict: true,
})
const real = Object.values(os.networkInterfaces()).flatMap((infos) => (infos ?? []).filter((i) => !i.internal))
const outside = real.filter((i) =>
  i.family === 'IPv4' ? !i.address.startsWith('10.73.') : !i.address.startsWith('fe80:'),
)
if (real.length === 0 || outside.length > 0 || !values.target) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: 'not in a lab namespace, or no --target' })}\n`)
  process.exit(1)
}

const discovery = createDiscovery({
  mdns: false,
  fingerprint: false,
  airosPort: null,
  unicastTargets: [values.target],
  platform: values.platform as NodeJS.Platform,
  scanDurationMs: 2000,
})
await discovery.start()
// Until the notice shows, or the first scan round has ended (every request of its burst was sent
// and settled by then); 30 s is only a backstop for a stuck round.
for (let waited = 0; waited < 30_000; waited += 50) {
  const status = discovery.status()
  if (status.notices.some((n) => n.code === 'send-blocked') || status.lastScanEndedAt !== null) break
  await new Promise((r) => setTimeout(r, 50))
}
const result = { ok: true, notices: discovery.status().notices, stats: discovery.stats() }
await discovery.stop()
process.stdout.write(`${JSON.stringify(result)}\n`)
